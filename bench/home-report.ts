/** The closed-loop scenario table and the figures of the `home` part, printed at the end. */
import { availableParallelism } from "node:os";
import { facturesLine } from "./billing-scenarios.ts";
import { SETTINGS, say, table } from "./common.ts";
import { inboxLine } from "./messages-scenarios.ts";
import { cpuPerRequest, type Scenario, unexpected } from "./scenario.ts";

const HEADER = [
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
];

function scenarioRow(s: Scenario): string[] {
  const ms = (v: number | null) => (v === null ? "n/a" : v.toFixed(2));
  const r = s.result;
  const codes = Object.entries(r.statusCodes)
    .map(([c, n]) => `${c}×${n}`)
    .join(" ");
  return [
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
  ];
}

function scenarioTable(scenarios: Scenario[]): void {
  say("");
  say(table([HEADER, ...scenarios.map(scenarioRow)]));
  say(
    "(server CPU: the portal's or the baseline's Node process; PG CPU: all embedded PostgreSQL " +
      `processes; others' CPU: what processes outside this bench used, in % of one core, ` +
      `${availableParallelism() * 100} % = the whole machine` +
      `${process.env.BENCH_DATABASE_URL ? "; a local server on BENCH_DATABASE_URL counts among the others" : ""})`,
  );
}

const cost = (s: Scenario) => {
  const app = cpuPerRequest(s, s.serverPid);
  const db = cpuPerRequest(s, "postgres");
  const load = cpuPerRequest(s, s.loadPid);
  return app === null || db === null || load === null ? null : { app, total: app + db + load };
};

/** CPU-bound on this machine: one Node thread for the server, all cores for everything. */
function cpuEstimateLine(home: Scenario, base: Scenario): void {
  const [ch, cb] = [cost(home), cost(base)];
  if (!ch || !cb) return;
  const cores = availableParallelism();
  const estimate = (c: { app: number; total: number }) => Math.min(1000 / c.app, (1000 * cores) / c.total);
  say(
    `CPU cost per request (server + PostgreSQL + autocannon): home ${ch.total.toFixed(2)} ms, ` +
      `baseline ${cb.total.toFixed(2)} ms; CPU-bound estimate for a quiet ${cores}-core machine: ` +
      `${estimate(ch).toFixed(0)} / ${estimate(cb).toFixed(0)} req/s = ${((100 * estimate(ch)) / estimate(cb)).toFixed(0)} % ` +
      "(an estimate, not the measured figure above)",
  );
}

function homeAndLogin(home: Scenario, base: Scenario, loginRun: Scenario): void {
  const ratio = home.result.requestsPerSecond / base.result.requestsPerSecond;
  say("");
  say(
    `home page / baseline = ${home.result.requestsPerSecond.toFixed(0)} / ${base.result.requestsPerSecond.toFixed(0)} req/s ` +
      `= ${(ratio * 100).toFixed(0)} % (the issue's figure is the page against its own recorded SQL, below), ` +
      `p99 ${home.result.p99} ms at ${SETTINGS.connections} connections`,
  );
  cpuEstimateLine(home, base);
  say(
    `login: ${loginRun.result.requestsPerSecond.toFixed(0)} req/s, ` +
      `${(loginRun.result.requestsPerSecond / home.result.requestsPerSecond).toFixed(3)} × the home page ` +
      "(argon2id m=19456 t=2 p=1 per attempt; no target)",
  );
}

function planningLine(planningPage: Scenario, base: Scenario, bookedDays: number): void {
  const [p, b] = [planningPage.result, base.result];
  say(
    `month planning page / baseline = ${p.requestsPerSecond.toFixed(0)} / ${b.requestsPerSecond.toFixed(0)} req/s = ` +
      `${((100 * p.requestsPerSecond) / b.requestsPerSecond).toFixed(0)} %, p50 ${p.p50} ms, p99 ${p.p99} ms ` +
      `(${bookedDays} booked days in the month; no target)`,
  );
}

/** The scenario table and the closed-loop figures of the `home` part (home page, login, inbox, planning, factures). */
export function homeReport(scenarios: Scenario[], invoicesPerParent: number, bookedDays: number): void {
  scenarioTable(scenarios);
  const named = (start: string) => scenarios.find((s) => s.name.startsWith(start));
  const [home, base, loginRun, planningPage, factures] = [
    "home page",
    "raw baseline (pg",
    "login",
    "month planning",
    "Mes factures",
  ].map(named);
  if (!home || !base || !loginRun || !planningPage || !factures) return;
  homeAndLogin(home, base, loginRun);
  planningLine(planningPage, base, bookedDays);
  say(facturesLine(factures.result, base.result, invoicesPerParent));
  const inbox = named("Boîte de réception");
  const inboxBase = named("raw baseline of the inbox");
  if (inbox && inboxBase) say(inboxLine(inbox.result, inboxBase.result));
}
