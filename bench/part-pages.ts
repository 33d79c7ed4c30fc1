/** Parts `pages`, `open` and `scale`: pages against their raw baselines, an open model, size. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { loginUrl } from "../src/db/prepare.ts";
import { cleanups, load, profileDir, SETTINGS, say, TARGET } from "./common.ts";
import { type BenchData, grow, homeRun } from "./data.ts";
import { mergeGenerated } from "./generate.ts";
import type { OpenConfig, OpenResult } from "./open-load.ts";
import {
  baselineTargets,
  type PageFigures,
  type PageScenario,
  pageLines,
  startReplayBaseline,
} from "./page-scenarios.ts";
import { type Child, forkScript } from "./proc.ts";
import { saveProfile, startProfile, summarise } from "./profile.ts";
import { drain, runLoad, type Scenario } from "./scenario.ts";
import { type Bench, common } from "./setup.ts";

/** Each page, then its raw baseline (its recorded SQL replayed in one pg transaction). */
async function runPages(b: Bench, pages: PageScenario[]): Promise<PageFigures[]> {
  const port = b.platform.port;
  say(`recording the SQL of ${pages.length} pages for their raw baselines…`);
  const replay = await startReplayBaseline(
    b.dir,
    loginUrl(b.ownerUrl, b.login),
    b.login.user,
    SETTINGS.poolSize,
    port,
    pages,
  );
  cleanups.push(() => replay.baseline.stop());
  const { port: replayPort } = await replay.baseline.message;
  const replayPid = replay.baseline.process.pid ?? -1;
  const figures: PageFigures[] = [];
  for (const p of pages) {
    const page = await b.run(`page: ${p.label}`, 200, process.pid, {
      ...common(),
      url: `http://127.0.0.1:${port}`,
      method: "GET",
      path: p.path,
      targets: p.targets,
    });
    await drain(b.ownerUrl, b.login.user, page.result, SETTINGS.connections);
    if (wantsProfile(p.key)) await profilePage(b, p);
    const baseline = await b.run(`page: raw baseline of ${p.key} (recorded SQL, pg, 1 tx)`, 200, replayPid, {
      ...common(),
      url: `http://127.0.0.1:${replayPort}`,
      method: "GET",
      path: p.path,
      targets: baselineTargets(p, replayPort),
    });
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

/** BENCH_PROFILE profiles every page; BENCH_PROFILE_PAGES=factures,agenda only those. */
function wantsProfile(key: string): boolean {
  if (!process.env.BENCH_PROFILE) return false;
  const only = process.env.BENCH_PROFILE_PAGES?.split(",");
  return !only || only.includes(key);
}

/** One more run of the page under V8's profiler (not measured), summarised by self time. */
async function profilePage(b: Bench, p: PageScenario): Promise<void> {
  say(`profiling page ${p.key} (not measured)…`);
  const stop = await startProfile();
  const run = await runLoad(b.dir, `${p.key}-profiled`, {
    ...common(),
    warmup: 0,
    url: `http://127.0.0.1:${b.platform.port}`,
    method: "GET",
    path: p.path,
    targets: p.targets,
  });
  const profile = await stop();
  say(summarise(profile));
  say(`profile: ${saveProfile(profile, profileDir(), `bench-page-${p.key}-${Date.now()}`)}`);
  await drain(b.ownerUrl, b.login.user, run.result, SETTINGS.connections);
}

/** Issue 17 item 1: every page within reach of its own raw baseline. */
export async function pagesPart(b: Bench, pages: PageScenario[]): Promise<void> {
  if (!b.want("pages")) return b.summary.notRun(1, "pages vs their raw baseline", "BENCH_ONLY");
  const pageFigures = await runPages(b, pages);
  say("pages against their own raw baseline (issue 17 item 1):");
  for (const line of pageLines(pageFigures)) say(`  ${line}`);
  for (const f of pageFigures) {
    const ratio = f.result.requestsPerSecond / f.baseline.requestsPerSecond;
    const goal = f.page.audience === "parent" ? 0.7 : 0.6;
    b.summary.add(
      1,
      `${f.page.key} (${f.page.audience}, ${f.statements} statements)`,
      `${f.result.requestsPerSecond.toFixed(0)} / ${f.baseline.requestsPerSecond.toFixed(0)} req/s = ${(100 * ratio).toFixed(0)} %`,
      `≥ ${goal * 100} % of its baseline`,
      ratio >= goal,
    );
  }
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

const openOk = (r: OpenResult) => r.errors === 0 && r.non200 === 0 && r.answered === r.sent;

function openLine(r: OpenResult): string {
  return (
    `open model, ${SETTINGS.openRate} req/s for ${SETTINGS.duration} s over the 7 parent pages mixed: ` +
    `p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; ${r.answered}/${r.sent} answered, ${r.errors} errors, ` +
    `${r.non200} not 200 (driver lag p99 ${r.lagP99} ms) (target p99 < ${TARGET.p99Ms} ms): ` +
    `${openOk(r) && r.p99 < TARGET.p99Ms ? "met" : "NOT met"}`
  );
}

/** Issue 17 item 2: latency a person feels, at a fixed arrival rate. */
export async function openPart(b: Bench, pages: PageScenario[]): Promise<void> {
  if (!b.want("open") || pages.length === 0) return b.summary.notRun(2, "open model p99", "BENCH_ONLY");
  say(`running the open-model mix at ${SETTINGS.openRate} req/s… (load average ${load()})`);
  const open = await runOpen(b.dir, b.platform.port, pages);
  say(openLine(open));
  b.summary.add(
    2,
    `open model ${SETTINGS.openRate} req/s, parent mix`,
    `p50 ${open.p50} ms, p99 ${open.p99} ms, ${open.answered}/${open.sent} answered`,
    `p99 < ${TARGET.p99Ms} ms`,
    openOk(open) && open.p99 < TARGET.p99Ms,
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

/** Issue 17 item 5: the home page again once the database holds SETTINGS.scaleTowns towns. */
export async function scalePart(b: Bench, d: BenchData): Promise<void> {
  const smallRun = d.smallRun;
  if (!b.want("scale") || !smallRun) return b.summary.notRun(5, "flat with size", "BENCH_ONLY");
  const all = mergeGenerated(d.data, await grow(b, SETTINGS.scaleTowns - SETTINGS.towns, SETTINGS.towns + 1));
  const bigRun = await homeRun(b, `scale: home page with ${SETTINGS.scaleTowns} towns`, all);
  say(scaleLine(smallRun, bigRun));
  const [small, big] = [smallRun.result.requestsPerSecond, bigRun.result.requestsPerSecond];
  b.summary.add(
    5,
    `home page, ${SETTINGS.scaleTowns} vs ${SETTINGS.scaleSmall} towns`,
    `${big.toFixed(0)} vs ${small.toFixed(0)} req/s = ${big >= small ? "+" : ""}${((100 * (big - small)) / small).toFixed(0)} %`,
    "within 10 %",
    Math.abs(big - small) / small <= 0.1,
  );
}
