/**
 * npm run bench: the portal on its own database with generated data (100 towns × 500
 * households), then autocannon from a separate process against the parent home page, the
 * login POST and a raw pg baseline, all measured in this run. See bench/README.md.
 * Each part lives in its own file (bench/part-*.ts); this one runs them in order and judges.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { type InvoicingReport, invoicingFailed } from "./billing-scenarios.ts";
import { cleanup, cleanups, load, SETTINGS, say, secs } from "./common.ts";
import { type BenchData, generateData } from "./data.ts";
import { homeReport } from "./home-report.ts";
import { type BroadcastReport, broadcastFailed } from "./messages-scenarios.ts";
import { type PageScenario, pageScenarios } from "./page-scenarios.ts";
import { facturesPart, homePart } from "./part-home.ts";
import { cityPart, enrolmentsPart, invoicingPart } from "./part-invoicing.ts";
import { openPart, pagesPart, scalePart } from "./part-pages.ts";
import { broadcastPart, rushPart } from "./part-rush.ts";
import { bytesPart, coldPart } from "./part-web.ts";
import type { RushReport } from "./planning-scenarios.ts";
import { homeTargets, type Scenario, unexpected } from "./scenario.ts";
import { type Bench, startBench } from "./setup.ts";
import { Summary, selectedParts } from "./summary.ts";

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** What the parts report for the final verdict. */
interface Outcome {
  rush?: RushReport;
  broadcast?: BroadcastReport;
  messagesHouseholds: number;
  runs: (InvoicingReport | undefined)[];
  enrolmentsFailed: boolean;
}

/** The pages of the `pages` and `open` parts, when their towns were generated. */
async function pageList(b: Bench, d: BenchData): Promise<PageScenario[]> {
  if (!b.needs("pages", "open") || !d.planning || !d.billing || !d.messages) return [];
  const port = b.platform.port;
  return pageScenarios(
    b.platform.deps.db,
    port,
    homeTargets(d.data, port),
    d.planning,
    d.billing,
    d.messages,
  );
}

async function runParts(b: Bench, d: BenchData): Promise<Outcome> {
  const session = d.data.sessions[0];
  if (!session) throw new Error("no generated sessions");
  await coldPart(b, session);
  await bytesPart(b, session);
  await homePart(b, d);
  const rush = await rushPart(b, d);
  const broadcast = await broadcastPart(b, d);
  const invoicesPerParent = await facturesPart(b, d);
  const pages = await pageList(b, d);
  await pagesPart(b, pages);
  await openPart(b, pages);
  await scalePart(b, d);
  const invoicing = await invoicingPart(b, d);
  const city = await cityPart(b);
  const enrolmentsFailed = await enrolmentsPart(b, d);
  if (b.scenarios.length > 0)
    homeReport(b.scenarios, invoicesPerParent, d.planning?.calendarSessions[0]?.bookedDays ?? 0);
  const messagesHouseholds = d.messages?.households ?? 0;
  return { rush, broadcast, messagesHouseholds, runs: [invoicing, city], enrolmentsFailed };
}

/** The FAILED and WARNING lines; true when anything failed. */
function verdict(scenarios: Scenario[], o: Outcome): boolean {
  const broadcastBad = !!o.broadcast && broadcastFailed(o.broadcast, o.messagesHouseholds);
  if (broadcastBad) say("FAILED: broadcast: counts do not match (see above)");
  const badRuns = o.runs.filter((r): r is InvoicingReport => !!r && invoicingFailed(r));
  if (badRuns.length > 0) say("FAILED: invoicing run: totals, lines or invoices do not match (see above)");
  const rushBad = !!o.rush && (o.rush.failed > 0 || o.rush.overCapacity > 0);
  if (o.rush && rushBad)
    say(`FAILED: rush: ${o.rush.failed} errors, ${o.rush.overCapacity} places over capacity`);
  const failed = scenarios.filter((s) => s.result.errors > 0 || s.result.timeouts > 0 || unexpected(s) > 0);
  for (const s of failed)
    say(`FAILED: ${s.name}: ${s.result.errors} errors, ${unexpected(s)} answers other than ${s.expect}`);
  const busy = scenarios.filter((s) => (s.cpu?.others ?? 0) > 20);
  if (busy.length > 0)
    say(
      `WARNING: other processes used CPU during ${busy.map((s) => s.name).join(", ")}: ` +
        "these figures understate the machine; run again on a quiet machine to compare with the targets.",
    );
  return failed.length > 0 || rushBad || badRuns.length > 0 || o.enrolmentsFailed || broadcastBad;
}

async function main(): Promise<number> {
  const started = performance.now();
  const only = selectedParts(process.env.BENCH_ONLY, process.env.BENCH_CITY);
  // The pointage page shows the rush's 200 children: the rush runs before the pages.
  if (only.has("pages")) only.add("rush");
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
  const summary = new Summary();
  const b = await startBench(dir, (part) => only.has(part), summary);
  const outcome = await runParts(b, await generateData(b));
  const failed = verdict(b.scenarios, outcome);
  say("");
  for (const line of summary.lines()) say(line);
  say(`total ${secs(performance.now() - started)}; load average at the end ${load()}`);
  return failed ? 1 : 0;
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
