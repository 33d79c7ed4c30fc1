/** Part `home`: the closed-loop scenarios (home page, inbox, login, planning, factures). */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { loginUrl } from "../src/db/prepare.ts";
import type { BaselineConfig } from "./baseline.ts";
import { FACTURES_PATH, facturesTargets, preflightFactures } from "./billing-scenarios.ts";
import { cleanups, DOMAIN, profileDir, SETTINGS, say } from "./common.ts";
import type { BenchData } from "./data.ts";
import type { LoadConfig } from "./load.ts";
import { INBOX_PATH, inboxTargets, preflightInbox } from "./messages-scenarios.ts";
import { planningPagePath, planningPageTargets, preflightPlanning } from "./planning-scenarios.ts";
import { type Child, forkScript } from "./proc.ts";
import { saveProfile, startProfile, summarise } from "./profile.ts";
import { drain, homeTargets, loginTargets, preflight, runLoad } from "./scenario.ts";
import { type Bench, common } from "./setup.ts";

/** The data once the planning, billing and messages towns are known to be there. */
type Towns = BenchData & {
  planning: NonNullable<BenchData["planning"]>;
  messages: NonNullable<BenchData["messages"]>;
};

/** A GET scenario against a server on `port`. */
const get = (port: number, p: string, targets: LoadConfig["targets"]): LoadConfig => ({
  ...common(),
  url: `http://127.0.0.1:${port}`,
  method: "GET",
  path: p,
  targets,
});

/** The raw pg baseline of the home page and the inbox, in its own process. */
async function startBaseline(b: Bench, d: Towns): Promise<{ child: Child<{ port: number }>; port: number }> {
  const file = path.join(b.dir, "baseline.json");
  const config: BaselineConfig = {
    loginUrl: loginUrl(b.ownerUrl, b.login),
    poolSize: SETTINGS.poolSize,
    domain: DOMAIN,
    towns: {
      ...Object.fromEntries(d.data.towns.map((town) => [town.slug, town.id])),
      [d.messages.tenant.slug]: d.messages.tenant.id,
    },
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  const child: Child<{ port: number }> = forkScript("baseline.ts", [file]);
  cleanups.push(() => child.stop());
  const { port } = await child.message;
  return { child, port };
}

export async function homePart(b: Bench, d: BenchData): Promise<void> {
  if (!b.want("home") || !d.planning || !d.billing || !d.messages) return;
  const towns: Towns = { ...d, planning: d.planning, messages: d.messages };
  const app = b.platform.port;
  const baseline = await startBaseline(b, towns);
  await preflight(d.data, app, baseline.port);
  await preflightPlanning(towns.planning, app);
  await preflightInbox(towns.messages, app, baseline.port);
  await b.run("home page GET / (parent)", 200, process.pid, get(app, "/", homeTargets(d.data, app)));
  if (process.env.BENCH_PROFILE) await profileHome(b, d);
  await baselineRuns(b, towns, baseline.child.process.pid ?? -1, baseline.port);
  await baseline.child.stop();
  await loginAndPlanning(b, towns);
}

async function baselineRuns(b: Bench, d: Towns, pid: number, port: number): Promise<void> {
  const app = b.platform.port;
  await b.run("raw baseline (pg, 1 tx)", 200, pid, get(port, "/", homeTargets(d.data, port)));
  await b.run(
    `Boîte de réception GET ${INBOX_PATH} (parent, 200 messages)`,
    200,
    process.pid,
    get(app, INBOX_PATH, inboxTargets(d.messages, app)),
  );
  await b.run(
    "raw baseline of the inbox (pg, 1 tx)",
    200,
    pid,
    get(port, INBOX_PATH, inboxTargets(d.messages, port)),
  );
}

async function loginAndPlanning(b: Bench, d: Towns): Promise<void> {
  const app = b.platform.port;
  const loginRun = await b.run("login POST /connexion", 303, process.pid, {
    ...get(app, "/connexion", loginTargets(d.data, app)),
    method: "POST",
  });
  await drain(b.ownerUrl, b.login.user, loginRun.result, SETTINGS.connections);
  const planningPath = planningPagePath(d.planning);
  await b.run(
    `month planning page GET ${planningPath} (parent)`,
    200,
    process.pid,
    get(app, planningPath, planningPageTargets(d.planning, app)),
  );
}

/** Not part of the figures: a second home page run with the V8 profiler on. */
async function profileHome(b: Bench, d: BenchData): Promise<void> {
  say("profiling the home page (not measured)…");
  const stop = await startProfile();
  const app = b.platform.port;
  await runLoad(b.dir, "home-profiled", { ...get(app, "/", homeTargets(d.data, app)), warmup: 0 });
  const profile = await stop();
  say(summarise(profile));
  say(`profile: ${saveProfile(profile, profileDir(), `bench-home-${Date.now()}`)}`);
}

/** « Mes factures » of the billing town's parents; returns how many invoices each has. */
export async function facturesPart(b: Bench, d: BenchData): Promise<number> {
  if (!b.want("home") || !d.billing) return 0;
  const app = b.platform.port;
  const invoicesPerParent = await preflightFactures(d.billing, app);
  const factures = await b.run(
    `Mes factures GET ${FACTURES_PATH} (parent)`,
    200,
    process.pid,
    get(app, FACTURES_PATH, facturesTargets(d.billing, app)),
  );
  await drain(b.ownerUrl, b.login.user, factures.result, SETTINGS.connections);
  return invoicesPerParent;
}
