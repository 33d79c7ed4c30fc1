/**
 * npm run bench: the portal on its own database with generated data (100 towns × 500
 * households), then autocannon from a separate process against the parent home page, the
 * login POST and a raw pg baseline, all measured in this run. See bench/README.md.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { type EmbeddedCluster, startEmbedded } from "../src/db/embedded.ts";
import { loginUrl } from "../src/db/prepare.ts";
import { loadEnv } from "../src/env.ts";
import { type Mailbox, startMailSink } from "../src/integrations/mail/sink.ts";
import { createLogger } from "../src/lib/log.ts";
import { type Platform, startPlatform } from "../src/platform.ts";
import type { BaselineConfig } from "./baseline.ts";
import { generateBilling } from "./billing-generate.ts";
import {
  FACTURES_PATH,
  facturesLine,
  facturesTargets,
  type InvoicingReport,
  invoicingFailed,
  invoicingLines,
  invoicingSummary,
  preflightFactures,
  runInvoicing,
} from "./billing-scenarios.ts";
import { bytesChecks, bytesLines, lighthouseLine, measureBytes, runLighthouse } from "./bytes.ts";
import { COLD_START_TARGET_MS, coldStartLines, measureColdStart, profileColdStart } from "./cold-start.ts";
import { type CpuUse, cpuSample, cpuUse } from "./cpu.ts";
import { enrolmentLines, runEnrolments } from "./enrolment-bench.ts";
import { BENCH_PASSWORD, type GeneratedData, generate, mergeGenerated } from "./generate.ts";
import { linesFloorLine, measureLinesFloor } from "./lines-floor.ts";
import type { LoadConfig, LoadResult, LoadTarget } from "./load.ts";
import { generateMessages } from "./messages-generate.ts";
import {
  type BroadcastReport,
  broadcastFailed,
  broadcastLines,
  INBOX_PATH,
  inboxLine,
  inboxTargets,
  preflightInbox,
  runBroadcast,
} from "./messages-scenarios.ts";
import type { OpenConfig, OpenResult } from "./open-load.ts";
import {
  baselineTargets,
  type PageFigures,
  type PageScenario,
  pageLines,
  pageScenarios,
  startReplayBaseline,
} from "./page-scenarios.ts";
import { generatePlanning } from "./planning-generate.ts";
import {
  planningPagePath,
  planningPageTargets,
  preflightPlanning,
  type RushReport,
  runRush,
  rushLines,
} from "./planning-scenarios.ts";
import { type Child, forkScript, freePort, httpRequest } from "./proc.ts";
import { saveProfile, startProfile, summarise } from "./profile.ts";
import { type Part, Summary, selectedParts } from "./summary.ts";

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const SETTINGS = {
  towns: num("BENCH_TOWNS", 100),
  households: num("BENCH_HOUSEHOLDS", 500),
  sessionsPerTown: num("BENCH_SESSIONS_PER_TOWN", 2),
  accountsPerTown: num("BENCH_ACCOUNTS_PER_TOWN", 10),
  connections: num("BENCH_CONNECTIONS", 50),
  duration: num("BENCH_DURATION", 10),
  warmup: num("BENCH_WARMUP", 2),
  poolSize: num("BENCH_POOL_SIZE", 10),
  planningFamilies: num("BENCH_PLANNING_FAMILIES", 50),
  rushParents: num("BENCH_RUSH_PARENTS", 1000),
  rushCapacity: num("BENCH_RUSH_CAPACITY", 200),
  rushSpreadMs: num("BENCH_RUSH_SPREAD_MS", 1000),
  billingChildren: num("BENCH_BILLING_CHILDREN", 5000),
  enrolments: num("BENCH_ENROLMENTS", 500),
  invoiceParents: num("BENCH_INVOICE_PARENTS", 200),
  broadcastHouseholds: num("BENCH_BROADCAST_HOUSEHOLDS", 5000),
  inboxParents: num("BENCH_INBOX_PARENTS", 50),
  openRate: num("BENCH_OPEN_RATE", 200),
  scaleSmall: num("BENCH_SCALE_SMALL", 10),
  scaleTowns: num("BENCH_SCALE_TOWNS", 1000),
  cityChildren: num("BENCH_CITY_CHILDREN", 50_000),
};
const TARGET = { p99Ms: 50 };
const DOMAIN = "localhost";

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanup() {
  while (cleanups.length > 0) {
    const step = cleanups.pop() as () => Promise<unknown>;
    await step().catch((e: unknown) => console.error(`bench: cleanup step failed: ${String(e)}`));
  }
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * graphile-worker's runner.stop() calls pool.end() without awaiting it, so its last owner
 * connection can outlive platform.close(); terminating it (cluster stop, drop database … with
 * (force)) would then raise an unhandled pool 'error' and kill this process. Wait for it.
 */
async function ownerClientsGone(url: string): Promise<void> {
  const owner = new pg.Client({ connectionString: url });
  await owner.connect();
  try {
    for (let i = 0; i < 50; i++) {
      const { rows } = await owner.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      if ((rows[0]?.n ?? 0) === 0) return;
      await sleep(100);
    }
    console.error("bench: some database clients are still connected after 5 s");
  } finally {
    await owner.end();
  }
}

/** The owner URL of a database of our own: a fresh embedded cluster, or a new database on BENCH_DATABASE_URL. */
async function ownDatabase(dir: string): Promise<string> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    const name = `parvis_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: given });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const a = new pg.Client({ connectionString: given });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    });
    const url = new URL(given);
    url.pathname = `/${name}`;
    cleanups.push(() => ownerClientsGone(url.toString()));
    return url.toString();
  }
  const cluster: EmbeddedCluster = await startEmbedded(path.join(dir, "pg"), await freePort(), {
    durable: true,
  });
  cleanups.push(() => cluster.stop());
  cleanups.push(() => ownerClientsGone(cluster.url));
  return cluster.url;
}

function hostOf(slug: string, port: number) {
  return `${slug}.${DOMAIN}:${port}`;
}

function homeTargets(data: GeneratedData, port: number): LoadTarget[] {
  return data.sessions.map((s) => ({
    headers: { host: hostOf(s.slug, port), cookie: `__Host-parvis=${s.token}` },
  }));
}

function loginTargets(data: GeneratedData, port: number): LoadTarget[] {
  return data.accounts.map((a) => ({
    headers: {
      host: hostOf(a.slug, port),
      origin: `http://${hostOf(a.slug, port)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ identifier: a.identifier, password: BENCH_PASSWORD }).toString(),
  }));
}

/** Each scenario's targets answer as expected before any load is sent. */
async function preflight(data: GeneratedData, appPort: number, baselinePort: number) {
  const [s] = data.sessions;
  const [a] = data.accounts;
  if (!s || !a) throw new Error("no generated sessions or accounts");
  const [home] = homeTargets(data, appPort);
  const r1 = await httpRequest(appPort, { headers: home?.headers });
  if (r1.status !== 200 || !r1.body.includes(s.householdName))
    throw new Error(`preflight: home page answered ${r1.status} without « ${s.householdName} »`);
  const [base] = homeTargets(data, baselinePort);
  const r2 = await httpRequest(baselinePort, { headers: base?.headers });
  if (r2.status !== 200 || !r2.body.includes(s.householdName))
    throw new Error(`preflight: baseline answered ${r2.status} without « ${s.householdName} »`);
  const [login] = loginTargets(data, appPort);
  const r3 = await httpRequest(appPort, { method: "POST", path: "/connexion", ...login });
  const cookie = String(r3.headers["set-cookie"] ?? "");
  if (r3.status !== 303 || !cookie.includes("__Host-parvis="))
    throw new Error(`preflight: login answered ${r3.status} (${r3.body.slice(0, 200)})`);
}

interface Scenario {
  name: string;
  expect: number;
  result: LoadResult;
  cpu: CpuUse | null;
  /** The process that answered (portal or baseline) and the load generator. */
  serverPid: number;
  loadPid: number;
}

async function runLoad(
  dir: string,
  name: string,
  config: LoadConfig,
): Promise<{ result: LoadResult; cpu: CpuUse | null; loadPid: number }> {
  const file = path.join(dir, `load-${name.replace(/\W+/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(config));
  const before = cpuSample();
  const started = performance.now();
  const child = forkScript<LoadResult>("load.ts", [file]);
  try {
    const result = await child.message;
    return {
      result,
      cpu: cpuUse(before, cpuSample(), performance.now() - started),
      loadPid: child.process.pid ?? -1,
    };
  } finally {
    await child.stop();
  }
}

/** CPU milliseconds per request (warm-up included on both sides) of a process, or of PostgreSQL. */
function cpuPerRequest(s: Scenario, who: number | "postgres"): number | null {
  // A server on BENCH_DATABASE_URL is not ours to measure (if local, it shows under "others").
  if (!s.cpu || (who === "postgres" && process.env.BENCH_DATABASE_URL)) return null;
  let ms = 0;
  for (const [pid, g] of s.cpu.ms) if (who === "postgres" ? g.comm === "postgres" : pid === who) ms += g.ms;
  return ms / Math.max(1, s.result.total + s.result.warmupTotal);
}

/**
 * autocannon closes its sockets when time is up, but logins already accepted keep running
 * (argon2, then their second transaction): let them finish before the pool is closed.
 */
async function drain(ownerUrl: string, role: string, result: LoadResult, connections: number) {
  const perRequestMs = 1000 / Math.max(1, result.requestsPerSecond);
  await sleep(Math.min(20_000, connections * perRequestMs + 500));
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    for (let i = 0; i < 40; i++) {
      const { rows } = await owner.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where usename = $1 and state <> 'idle'",
        [role],
      );
      if ((rows[0]?.n ?? 0) === 0) break;
      await sleep(250);
    }
  } finally {
    await owner.end();
  }
  await sleep(250);
}

/** The parent pages mixed, one request after the other over pages then targets, at SETTINGS.openRate. */
async function runOpen(dir: string, port: number, pages: PageScenario[]): Promise<OpenResult> {
  const parent = pages.filter((p) => p.audience === "parent");
  const longest = Math.max(...parent.map((p) => p.targets.length));
  const requests: OpenConfig["requests"] = [];
  for (let i = 0; i < longest; i++)
    for (const p of parent) {
      const t = p.targets[i % p.targets.length];
      if (t) requests.push({ path: p.path, headers: t.headers });
    }
  const file = path.join(dir, "open.json");
  const config: OpenConfig = { port, rate: SETTINGS.openRate, durationSeconds: SETTINGS.duration, requests };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  const child: Child<OpenResult> = forkScript("open-load.ts", [file]);
  cleanups.push(() => child.stop());
  const result = await child.message;
  await child.stop();
  return result;
}

function openLine(r: OpenResult): string {
  const ok = r.errors === 0 && r.non200 === 0 && r.answered === r.sent;
  return (
    `open model, ${SETTINGS.openRate} req/s for ${SETTINGS.duration} s over the 7 parent pages mixed: ` +
    `p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; ${r.answered}/${r.sent} answered, ${r.errors} errors, ` +
    `${r.non200} not 200 (driver lag p99 ${r.lagP99} ms) (target p99 < ${TARGET.p99Ms} ms): ` +
    `${ok && r.p99 < TARGET.p99Ms ? "met" : "NOT met"}`
  );
}

function scaleLine(small: Scenario, big: Scenario): string {
  const [a, b] = [small.result.requestsPerSecond, big.result.requestsPerSecond];
  const change = (b - a) / a;
  return (
    `flat with size: home page with ${SETTINGS.scaleSmall} towns ${a.toFixed(0)} req/s, with ` +
    `${SETTINGS.scaleTowns} towns ${b.toFixed(0)} req/s (${SETTINGS.households} households each) = ` +
    `${change >= 0 ? "+" : ""}${(100 * change).toFixed(0)} % (target within 10 %): ${Math.abs(change) <= 0.1 ? "met" : "NOT met"}`
  );
}

function unexpected(s: Scenario): number {
  return Object.entries(s.result.statusCodes)
    .filter(([code]) => Number(code) !== s.expect)
    .reduce((n, [, count]) => n + count, 0);
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(rows[0] ?? []), sep, ...rows.slice(1).map(line)].join("\n");
}

const profileDir = () =>
  path.resolve(
    !process.env.BENCH_PROFILE || process.env.BENCH_PROFILE === "1" ? "." : process.env.BENCH_PROFILE,
  );

/** Each page, then its raw baseline (its recorded SQL replayed in one pg transaction). */
async function runPages(
  dir: string,
  pages: PageScenario[],
  ownerUrl: string,
  login: { user: string; password: string },
  port: number,
  run: (name: string, expect: number, serverPid: number, config: LoadConfig) => Promise<Scenario>,
): Promise<PageFigures[]> {
  const common = { connections: SETTINGS.connections, duration: SETTINGS.duration, warmup: SETTINGS.warmup };
  say(`recording the SQL of ${pages.length} pages for their raw baselines…`);
  const replay = await startReplayBaseline(
    dir,
    loginUrl(ownerUrl, login),
    login.user,
    SETTINGS.poolSize,
    port,
    pages,
  );
  cleanups.push(() => replay.baseline.stop());
  const { port: replayPort } = await replay.baseline.message;
  const figures: PageFigures[] = [];
  for (const p of pages) {
    const page = await run(`page: ${p.label}`, 200, process.pid, {
      ...common,
      url: `http://127.0.0.1:${port}`,
      method: "GET",
      path: p.path,
      targets: p.targets,
    });
    await drain(ownerUrl, login.user, page.result, SETTINGS.connections);
    const baseline = await run(
      `page: raw baseline of ${p.key} (recorded SQL, pg, 1 tx)`,
      200,
      replay.baseline.process.pid ?? -1,
      {
        ...common,
        url: `http://127.0.0.1:${replayPort}`,
        method: "GET",
        path: p.path,
        targets: baselineTargets(p, replayPort),
      },
    );
    figures.push({
      page: p,
      statements: replay.statements[p.key] ?? 0,
      result: page.result,
      baseline: baseline.result,
    });
  }
  await replay.baseline.stop();
  return figures;
}

/** The scenario table and the closed-loop figures of the `home` part (home page, login, inbox, planning, factures). */
function homeReport(scenarios: Scenario[], invoicesPerParent: number, bookedDays: number) {
  const ms = (v: number | null) => (v === null ? "n/a" : v.toFixed(2));
  const rows = [
    [
      "scenario",
      "req/s",
      "p50 ms",
      "p99 ms",
      "max ms",
      "requests",
      "errors",
      "unexpected",
      "server CPU ms/req",
      "PG CPU ms/req",
      "others' CPU",
    ],
  ];
  for (const s of scenarios) {
    const r = s.result;
    const codes = Object.entries(r.statusCodes)
      .map(([c, n]) => `${c}×${n}`)
      .join(" ");
    rows.push([
      `${s.name} [${codes || "no answer"}]`,
      r.requestsPerSecond.toFixed(0),
      String(r.p50),
      String(r.p99),
      String(r.max),
      String(r.total),
      String(r.errors),
      `${unexpected(s)} (≠${s.expect})`,
      ms(cpuPerRequest(s, s.serverPid)),
      ms(cpuPerRequest(s, "postgres")),
      s.cpu ? `${s.cpu.others.toFixed(0)} %` : "n/a",
    ]);
  }
  say("");
  say(table(rows));
  say(
    "(server CPU: the portal's or the baseline's Node process; PG CPU: all embedded PostgreSQL " +
      `processes; others' CPU: what processes outside this bench used, in % of one core, ` +
      `${availableParallelism() * 100} % = the whole machine` +
      `${process.env.BENCH_DATABASE_URL ? "; a local server on BENCH_DATABASE_URL counts among the others" : ""})`,
  );
  const named = (start: string) => scenarios.find((s) => s.name.startsWith(start));
  const [home, base, loginRun, planningPage, factures] = [
    "home page",
    "raw baseline (pg",
    "login",
    "month planning",
    "Mes factures",
  ].map(named);
  if (!home || !base || !loginRun || !planningPage || !factures) return;
  const ratio = home.result.requestsPerSecond / base.result.requestsPerSecond;
  say("");
  say(
    `home page / baseline = ${home.result.requestsPerSecond.toFixed(0)} / ${base.result.requestsPerSecond.toFixed(0)} req/s ` +
      `= ${(ratio * 100).toFixed(0)} % (the issue's figure is the page against its own recorded SQL, below), ` +
      `p99 ${home.result.p99} ms at ${SETTINGS.connections} connections`,
  );
  const cost = (s: Scenario) => {
    const app = cpuPerRequest(s, s.serverPid);
    const db = cpuPerRequest(s, "postgres");
    const load = cpuPerRequest(s, s.loadPid);
    return app === null || db === null || load === null ? null : { app, total: app + db + load };
  };
  const [ch, cb] = [cost(home), cost(base)];
  if (ch && cb) {
    // CPU-bound on this machine: one Node thread for the server, all cores for everything.
    const cores = availableParallelism();
    const estimate = (c: { app: number; total: number }) => Math.min(1000 / c.app, (1000 * cores) / c.total);
    say(
      `CPU cost per request (server + PostgreSQL + autocannon): home ${ch.total.toFixed(2)} ms, ` +
        `baseline ${cb.total.toFixed(2)} ms; CPU-bound estimate for a quiet ${cores}-core machine: ` +
        `${estimate(ch).toFixed(0)} / ${estimate(cb).toFixed(0)} req/s = ${((100 * estimate(ch)) / estimate(cb)).toFixed(0)} % ` +
        "(an estimate, not the measured figure above)",
    );
  }
  say(
    `login: ${loginRun.result.requestsPerSecond.toFixed(0)} req/s, ` +
      `${(loginRun.result.requestsPerSecond / home.result.requestsPerSecond).toFixed(3)} × the home page ` +
      "(argon2id m=19456 t=2 p=1 per attempt; no target)",
  );
  say(
    `month planning page / baseline = ${planningPage.result.requestsPerSecond.toFixed(0)} / ` +
      `${base.result.requestsPerSecond.toFixed(0)} req/s = ` +
      `${((100 * planningPage.result.requestsPerSecond) / base.result.requestsPerSecond).toFixed(0)} %, ` +
      `p50 ${planningPage.result.p50} ms, p99 ${planningPage.result.p99} ms ` +
      `(${bookedDays} booked days in the month; no target)`,
  );
  say(facturesLine(factures.result, base.result, invoicesPerParent));
  const inbox = named("Boîte de réception");
  const inboxBase = named("raw baseline of the inbox");
  if (inbox && inboxBase) say(inboxLine(inbox.result, inboxBase.result));
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function main(): Promise<number> {
  const started = performance.now();
  const only = selectedParts(process.env.BENCH_ONLY, process.env.BENCH_CITY);
  // The pointage page shows the rush's 200 children: the rush runs before the pages.
  if (only.has("pages")) only.add("rush");
  const want = (part: Part) => only.has(part);
  const dir = mkdtempSync(path.join(tmpdir(), "parvis-bench-"));
  // As root, PostgreSQL runs as the "postgres" user, who must be able to enter the folder.
  chmodSync(dir, 0o755);
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));

  say(
    `Parvis bench: Node ${process.version}, ${availableParallelism()} cores, ` +
      `${SETTINGS.connections} connections, ${SETTINGS.duration} s per scenario ` +
      `(+${SETTINGS.warmup} s warm-up), request pool ${SETTINGS.poolSize}, parts: ${[...only].join(", ")}; ` +
      `load average ${load()}`,
  );
  const t = performance.now();
  const ownerUrl = await ownDatabase(dir);
  const mailbox: Mailbox = await startMailSink(0);
  cleanups.push(() => mailbox.close());
  const login = { user: "parvis_bench", password: randomBytes(24).toString("base64url") };
  const env = loadEnv({
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: ownerUrl,
    APP_DB_USER: login.user,
    APP_DB_PASSWORD: login.password,
    DATA_DIR: dir,
    PLATFORM_DOMAIN: DOMAIN,
    SMTP_URL: mailbox.smtpUrl,
    DEMO: "false",
    LOG_LEVEL: "warn",
    DB_POOL_SIZE: String(SETTINGS.poolSize),
  });
  const platform: Platform = await startPlatform(env, createLogger(env.LOG_LEVEL, false), { listen: true });
  cleanups.push(() => platform.close());
  say(
    `database ${process.env.BENCH_DATABASE_URL ? "on BENCH_DATABASE_URL" : "embedded"} and portal up in ${secs(performance.now() - t)}`,
  );

  const common = {
    connections: SETTINGS.connections,
    duration: SETTINGS.duration,
    warmup: SETTINGS.warmup,
  };
  const scenarios: Scenario[] = [];
  const summary = new Summary();
  const run = async (name: string, expect: number, serverPid: number, config: LoadConfig) => {
    say(`running ${name}… (load average ${load()})`);
    scenarios.push({ name, expect, serverPid, ...(await runLoad(dir, name, config)) });
    return scenarios.at(-1) as Scenario;
  };
  const homeRun = (name: string, towns: GeneratedData) =>
    run(name, 200, process.pid, {
      ...common,
      url: `http://127.0.0.1:${platform.port}`,
      method: "GET",
      path: "/",
      targets: homeTargets(towns, platform.port),
    });
  const grow = async (towns: number, first: number) => {
    const t0 = performance.now();
    const more = await generate(platform.deps.db, ownerUrl, { ...SETTINGS, towns, first });
    say(
      `generated ${towns} towns × ${SETTINGS.households} households, ${more.sessions.length} sessions ` +
        `in ${secs(performance.now() - t0)}: ` +
        Object.entries(more.timings)
          .map(([k, ms]) => `${k} ${secs(ms)}`)
          .join(", "),
    );
    return more;
  };
  const timed = async <T extends { timings: Record<string, number> }>(
    what: string,
    make: () => Promise<T>,
  ) => {
    const t0 = performance.now();
    const made = await make();
    say(
      `generated ${what} in ${secs(performance.now() - t0)}: ` +
        Object.entries(made.timings)
          .map(([k, ms]) => `${k} ${secs(ms)}`)
          .join(", "),
    );
    return made;
  };
  const needs = (...parts: Part[]) => parts.some(want);

  // Issue 17 item 5: the home page with only the first towns in the database, then (later) with many.
  const small = await grow(SETTINGS.scaleSmall, 1);
  const smallRun = want("scale")
    ? await homeRun(`scale: home page with ${SETTINGS.scaleSmall} towns`, small)
    : undefined;
  const data = needs("home", "pages", "open", "scale")
    ? mergeGenerated(small, await grow(SETTINGS.towns - SETTINGS.scaleSmall, SETTINGS.scaleSmall + 1))
    : small;
  const planning = needs("home", "pages", "open", "rush")
    ? await timed("the planning town", () =>
        generatePlanning(
          platform.deps.db,
          {
            rushParents: SETTINGS.rushParents,
            calendarFamilies: SETTINGS.planningFamilies,
            capacity: SETTINGS.rushCapacity,
          },
          platform.deps.now(),
        ),
      )
    : undefined;
  const billing = needs("home", "pages", "open", "invoicing", "enrolments")
    ? await timed("the billing town", () =>
        generateBilling(
          platform.deps.db,
          ownerUrl,
          {
            families: SETTINGS.billingChildren,
            historyFamilies: Math.min(SETTINGS.invoiceParents, SETTINGS.billingChildren),
          },
          platform.deps.now(),
        ),
      )
    : undefined;
  const messages = needs("home", "pages", "open", "broadcast")
    ? await timed("the messages town", () =>
        generateMessages(platform.deps.db, ownerUrl, {
          households: SETTINGS.broadcastHouseholds,
          inboxParents: Math.min(SETTINGS.inboxParents, SETTINGS.broadcastHouseholds),
        }),
      )
    : undefined;

  const firstSession = data.sessions[0];
  if (!firstSession) throw new Error("no generated sessions");
  if (want("cold")) {
    say(`measuring the cold start of a web process… (load average ${load()})`);
    const webEnv = {
      NODE_ENV: "production",
      DEMO: "false",
      DATABASE_URL: ownerUrl,
      APP_DB_USER: login.user,
      APP_DB_PASSWORD: login.password,
      DATA_DIR: dir,
      PLATFORM_DOMAIN: DOMAIN,
      SMTP_URL: mailbox.smtpUrl,
      DB_POOL_SIZE: String(SETTINGS.poolSize),
    };
    const home = { host: `${firstSession.slug}.${DOMAIN}`, cookie: `__Host-parvis=${firstSession.token}` };
    const coldStart = await measureColdStart(webEnv, home);
    for (const line of coldStartLines(coldStart)) say(line);
    if (process.env.BENCH_PROFILE) say(await profileColdStart(webEnv, home));
    summary.add(
      7,
      "web process ready (npm run web, migrated database)",
      `${secs(coldStart.readyMs)} (CPU ${secs(coldStart.readyCpuMs)})`,
      `≤ ${secs(COLD_START_TARGET_MS)}`,
      coldStart.readyMs <= COLD_START_TARGET_MS,
    );
  } else summary.notRun(7, "web process ready", "BENCH_ONLY");

  if (want("bytes") || want("lighthouse")) {
    const host = `${firstSession.slug}.${DOMAIN}:${platform.port}`;
    const bytes = await measureBytes(platform.port, host);
    for (const line of bytesLines(bytes)) say(line);
    const c = bytesChecks(bytes);
    summary.add(
      6,
      "public page HTML compressed",
      `${bytes.page.encoding}, ${bytes.page.sent} B for ${bytes.page.content} B`,
      "br or gzip",
      c.pageOk,
    );
    summary.add(
      6,
      "its CSS/JS/SVG compressed",
      `${bytes.assets.filter((a) => a.encoding !== "none").length}/${bytes.assets.length} assets encoded`,
      "all text assets",
      c.textsOk,
    );
    summary.add(
      6,
      "assets fingerprinted + immutable",
      `${bytes.assets.length} linked`,
      "max-age=31536000, immutable",
      c.cacheOk,
    );
    summary.add(
      6,
      "favicon",
      `/favicon.ico ${bytes.favicon.status}, ${bytes.favicon.content} B`,
      "200",
      c.faviconOk,
    );
    if (want("lighthouse")) {
      const url = `http://${host}${bytes.publicPath}`;
      say(`running Lighthouse on ${url}… (load average ${load()})`);
      const lh = await runLighthouse(url, dir);
      say(lighthouseLine(lh, url));
      summary.add(
        6,
        "Lighthouse performance (public page)",
        lh.score === null ? `none: ${lh.problem ?? "?"}`.slice(0, 80) : `${lh.score}/100`,
        "reported",
        lh.score === null ? false : null,
      );
    } else summary.notRun(6, "Lighthouse performance", "BENCH_ONLY");
  } else summary.notRun(6, "bytes on the wire", "BENCH_ONLY");

  let invoicesPerParent = 0;
  if (want("home") && planning && billing && messages) {
    const baselineFile = path.join(dir, "baseline.json");
    const baselineConfig: BaselineConfig = {
      loginUrl: loginUrl(ownerUrl, login),
      poolSize: SETTINGS.poolSize,
      domain: DOMAIN,
      towns: {
        ...Object.fromEntries(data.towns.map((town) => [town.slug, town.id])),
        [messages.tenant.slug]: messages.tenant.id,
      },
    };
    writeFileSync(baselineFile, JSON.stringify(baselineConfig), { mode: 0o600 });
    const baseline: Child<{ port: number }> = forkScript("baseline.ts", [baselineFile]);
    cleanups.push(() => baseline.stop());
    const { port: baselinePort } = await baseline.message;
    await preflight(data, platform.port, baselinePort);
    await preflightPlanning(planning, platform.port);
    await preflightInbox(messages, platform.port, baselinePort);

    await run("home page GET / (parent)", 200, process.pid, {
      ...common,
      url: `http://127.0.0.1:${platform.port}`,
      method: "GET",
      path: "/",
      targets: homeTargets(data, platform.port),
    });
    if (process.env.BENCH_PROFILE) {
      // Not part of the figures: a second home page run with the V8 profiler on.
      say("profiling the home page (not measured)…");
      const stop = await startProfile();
      await runLoad(dir, "home-profiled", {
        ...common,
        warmup: 0,
        url: `http://127.0.0.1:${platform.port}`,
        method: "GET",
        path: "/",
        targets: homeTargets(data, platform.port),
      });
      const profile = await stop();
      say(summarise(profile));
      say(`profile: ${saveProfile(profile, profileDir(), `bench-home-${Date.now()}`)}`);
    }
    await run("raw baseline (pg, 1 tx)", 200, baseline.process.pid ?? -1, {
      ...common,
      url: `http://127.0.0.1:${baselinePort}`,
      method: "GET",
      path: "/",
      targets: homeTargets(data, baselinePort),
    });
    await run(`Boîte de réception GET ${INBOX_PATH} (parent, 200 messages)`, 200, process.pid, {
      ...common,
      url: `http://127.0.0.1:${platform.port}`,
      method: "GET",
      path: INBOX_PATH,
      targets: inboxTargets(messages, platform.port),
    });
    await run("raw baseline of the inbox (pg, 1 tx)", 200, baseline.process.pid ?? -1, {
      ...common,
      url: `http://127.0.0.1:${baselinePort}`,
      method: "GET",
      path: INBOX_PATH,
      targets: inboxTargets(messages, baselinePort),
    });
    await baseline.stop();
    const loginRun = await run("login POST /connexion", 303, process.pid, {
      ...common,
      url: `http://127.0.0.1:${platform.port}`,
      method: "POST",
      path: "/connexion",
      targets: loginTargets(data, platform.port),
    });
    await drain(ownerUrl, login.user, loginRun.result, SETTINGS.connections);
    await run(`month planning page GET ${planningPagePath(planning)} (parent)`, 200, process.pid, {
      ...common,
      url: `http://127.0.0.1:${platform.port}`,
      method: "GET",
      path: planningPagePath(planning),
      targets: planningPageTargets(planning, platform.port),
    });
  }
  let rush: RushReport | undefined;
  if (want("rush") && planning) {
    say(
      `running the rush (${SETTINGS.rushParents} parents within ${SETTINGS.rushSpreadMs} ms)… (load average ${load()})`,
    );
    rush = await runRush(dir, platform.deps.db, planning, platform.port, SETTINGS.rushSpreadMs);
    for (const line of rushLines(rush, SETTINGS.rushSpreadMs)) say(line);
    const cpu = rush.cpu ? rush.cpu.server + rush.cpu.postgres : null;
    summary.add(3, "places over capacity", String(rush.overCapacity), "0", rush.overCapacity === 0);
    summary.add(
      3,
      `every parent answered (of ${rush.parents})`,
      `max ${rush.max} ms, ${rush.failed} errors`,
      "≤ 3 s, 0 errors",
      rush.max <= 3000 && rush.failed === 0,
    );
    summary.add(
      3,
      "CPU per booking (portal + PG)",
      cpu === null ? "n/a" : `${cpu.toFixed(1)} ms`,
      "≤ 4 ms",
      cpu === null ? null : cpu <= 4,
    );
    summary.add(
      3,
      "occupancy lock held",
      `p50 ${rush.lockHold.p50.toFixed(1)} ms, p99 ${rush.lockHold.p99.toFixed(1)} ms`,
      "printed",
      null,
    );
  } else summary.notRun(3, "the rush", "BENCH_ONLY");
  let broadcast: BroadcastReport | undefined;
  if (want("broadcast") && messages) {
    say(`running the broadcast to ${messages.households} households…`);
    broadcast = await runBroadcast(
      platform.deps.db,
      messages,
      `http://${messages.tenant.slug}.${DOMAIN}:${platform.port}`,
    );
    for (const line of broadcastLines(broadcast, messages.households)) say(line);
  }
  if (want("home") && billing) {
    invoicesPerParent = await preflightFactures(billing, platform.port);
    const factures = await run(`Mes factures GET ${FACTURES_PATH} (parent)`, 200, process.pid, {
      ...common,
      url: `http://127.0.0.1:${platform.port}`,
      method: "GET",
      path: FACTURES_PATH,
      targets: facturesTargets(billing, platform.port),
    });
    await drain(ownerUrl, login.user, factures.result, SETTINGS.connections);
  }
  const pages =
    needs("pages", "open") && planning && billing && messages
      ? await pageScenarios(
          platform.deps.db,
          platform.port,
          homeTargets(data, platform.port),
          planning,
          billing,
          messages,
        )
      : [];
  if (want("pages")) {
    const pageFigures = await runPages(dir, pages, ownerUrl, login, platform.port, run);
    say("pages against their own raw baseline (issue 17 item 1):");
    for (const line of pageLines(pageFigures)) say(`  ${line}`);
    for (const f of pageFigures) {
      const ratio = f.result.requestsPerSecond / f.baseline.requestsPerSecond;
      const goal = f.page.audience === "parent" ? 0.7 : 0.6;
      summary.add(
        1,
        `${f.page.key} (${f.page.audience}, ${f.statements} statements)`,
        `${f.result.requestsPerSecond.toFixed(0)} / ${f.baseline.requestsPerSecond.toFixed(0)} req/s = ${(100 * ratio).toFixed(0)} %`,
        `≥ ${goal * 100} % of its baseline`,
        ratio >= goal,
      );
    }
  } else summary.notRun(1, "pages vs their raw baseline", "BENCH_ONLY");
  if (want("open") && pages.length > 0) {
    say(`running the open-model mix at ${SETTINGS.openRate} req/s… (load average ${load()})`);
    const open = await runOpen(dir, platform.port, pages);
    say(openLine(open));
    const ok = open.errors === 0 && open.non200 === 0 && open.answered === open.sent;
    summary.add(
      2,
      `open model ${SETTINGS.openRate} req/s, parent mix`,
      `p50 ${open.p50} ms, p99 ${open.p99} ms, ${open.answered}/${open.sent} answered`,
      `p99 < ${TARGET.p99Ms} ms`,
      ok && open.p99 < TARGET.p99Ms,
    );
  } else summary.notRun(2, "open model p99", "BENCH_ONLY");
  if (want("scale") && smallRun) {
    const all = mergeGenerated(data, await grow(SETTINGS.scaleTowns - SETTINGS.towns, SETTINGS.towns + 1));
    const bigRun = await homeRun(`scale: home page with ${SETTINGS.scaleTowns} towns`, all);
    say(scaleLine(smallRun, bigRun));
    const [a, b] = [smallRun.result.requestsPerSecond, bigRun.result.requestsPerSecond];
    summary.add(
      5,
      `home page, ${SETTINGS.scaleTowns} vs ${SETTINGS.scaleSmall} towns`,
      `${b.toFixed(0)} vs ${a.toFixed(0)} req/s = ${b >= a ? "+" : ""}${((100 * (b - a)) / a).toFixed(0)} %`,
      "within 10 %",
      Math.abs(b - a) / a <= 0.1,
    );
  } else summary.notRun(5, "flat with size", "BENCH_ONLY");
  // Last: its 5,000 « Nouvelle facture » e-mails are sent by the job worker while the bench ends.
  let invoicing: InvoicingReport | undefined;
  if (want("invoicing") && billing) {
    say(`running the monthly invoicing run (${billing.bookings} booked days)… (load average ${load()})`);
    const stopProfile = process.env.BENCH_PROFILE ? await startProfile() : undefined;
    invoicing = await runInvoicing(platform.deps.db, billing, platform.deps.now());
    if (stopProfile) {
      // The portal's worker runs the job in this process: where its JavaScript time went.
      const profile = await stopProfile();
      say(
        `invoicing run under the profiler (the figures below include its cost):\n${summarise(profile, 20)}`,
      );
      say(`profile: ${saveProfile(profile, profileDir(), `bench-invoicing-${Date.now()}`)}`);
    }
    for (const line of invoicingLines(invoicing, billing.families)) say(line);
    say(linesFloorLine(await measureLinesFloor(platform.deps.db, billing, invoicing.runId)));
    invoicingSummary(summary, invoicing, billing.families);
  } else summary.notRun(4, `invoicing ${SETTINGS.billingChildren} children`, "BENCH_ONLY");
  let city: InvoicingReport | undefined;
  if (want("city")) {
    const town = await timed(`the city (${SETTINGS.cityChildren} children)`, () =>
      generateBilling(
        platform.deps.db,
        ownerUrl,
        { families: SETTINGS.cityChildren, historyFamilies: 0, slug: "ville" },
        platform.deps.now(),
      ),
    );
    say(`running the city's invoicing run (${town.bookings} booked days)… (load average ${load()})`);
    city = await runInvoicing(platform.deps.db, town, platform.deps.now());
    for (const line of invoicingLines(city, town.families)) say(line);
    invoicingSummary(summary, city, town.families);
  } else summary.notRun(4, "invoicing a city (50,000 children)", "BENCH_CITY=1");
  let enrolmentsFailed = false;
  if (want("enrolments") && billing) {
    say(`accepting ${SETTINGS.enrolments} regular enrolments in bulk…`);
    const enrolments = await runEnrolments(
      platform.deps.db,
      billing,
      SETTINGS.enrolments,
      platform.deps.now(),
    );
    for (const line of enrolmentLines(enrolments)) say(line);
    enrolmentsFailed = enrolments.overCapacity > 0;
    if (enrolmentsFailed) say(`FAILED: enrolments: ${enrolments.overCapacity} days over capacity`);
  }

  if (scenarios.length > 0)
    homeReport(scenarios, invoicesPerParent, planning?.calendarSessions[0]?.bookedDays ?? 0);
  if (broadcast && messages && broadcastFailed(broadcast, messages.households))
    say("FAILED: broadcast: counts do not match (see above)");
  const badRuns = [invoicing, city].filter((r): r is InvoicingReport => !!r && invoicingFailed(r));
  if (badRuns.length > 0) say("FAILED: invoicing run: totals, lines or invoices do not match (see above)");
  if (rush && (rush.failed > 0 || rush.overCapacity > 0))
    say(`FAILED: rush: ${rush.failed} errors, ${rush.overCapacity} places over capacity`);
  const failed = scenarios.filter((s) => s.result.errors > 0 || s.result.timeouts > 0 || unexpected(s) > 0);
  for (const s of failed)
    say(`FAILED: ${s.name}: ${s.result.errors} errors, ${unexpected(s)} answers other than ${s.expect}`);
  const busy = scenarios.filter((s) => (s.cpu?.others ?? 0) > 20);
  if (busy.length > 0)
    say(
      `WARNING: other processes used CPU during ${busy.map((s) => s.name).join(", ")}: ` +
        "these figures understate the machine; run again on a quiet machine to compare with the targets.",
    );
  say("");
  for (const line of summary.lines()) say(line);
  say(`total ${secs(performance.now() - started)}; load average at the end ${load()}`);
  return failed.length > 0 ||
    (rush && (rush.failed > 0 || rush.overCapacity > 0)) ||
    badRuns.length > 0 ||
    enrolmentsFailed ||
    (broadcast && messages && broadcastFailed(broadcast, messages.households))
    ? 1
    : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error("bench failed:", e);
} finally {
  await cleanup();
}
process.exit(code);
