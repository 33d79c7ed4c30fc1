/**
 * The planning scenarios of `npm run bench` (issue 4): the month planning page under
 * autocannon, and the rush (planning-rush.ts, open model) with its outcome read from the
 * database afterwards. run.ts calls these; it prints what they return.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import type { Database } from "../src/db/database.ts";
import { takeLockHolds } from "../src/features/planning/booking/lock-timings.ts";
import { type CpuUse, cpuSample, cpuUse } from "./cpu.ts";
import type { LoadTarget } from "./load.ts";
import type { PlanningBenchData } from "./planning-generate.ts";
import type { RushConfig, RushResult } from "./planning-rush.ts";
import { forkScript, httpRequest } from "./proc.ts";

const cores = availableParallelism();
const hostOf = (data: PlanningBenchData, port: number) => `${data.slug}.localhost:${port}`;

export const planningPagePath = (data: PlanningBenchData) => `/planning?mois=${data.month}`;

export function planningPageTargets(data: PlanningBenchData, port: number): LoadTarget[] {
  return data.calendarSessions.map((s) => ({
    headers: { host: hostOf(data, port), cookie: `__Host-parvis=${s.token}` },
  }));
}

function rushBody(data: PlanningBenchData, childId: string): string {
  const form = new URLSearchParams({ periode: data.rushPeriodId, enfants: childId, jours: data.rushDay });
  form.set("cle", crypto.randomUUID());
  return form.toString();
}

/** The month page answers 200 to a generated parent, and the wizard's validation exists. */
export async function preflightPlanning(data: PlanningBenchData, port: number): Promise<void> {
  const [target] = planningPageTargets(data, port);
  const page = await httpRequest(port, { path: planningPagePath(data), headers: target?.headers });
  if (page.status !== 200) throw new Error(`preflight: ${planningPagePath(data)} answered ${page.status}`);
  const [parent] = data.rushParents;
  // A day outside the period: the validation must refuse it (422) and book nothing.
  const body = new URLSearchParams({
    periode: data.rushPeriodId,
    enfants: parent?.childId ?? "",
    jours: "2000-01-05",
    cle: crypto.randomUUID(),
  }).toString();
  const host = hostOf(data, port);
  const answer = await httpRequest(port, {
    method: "POST",
    path: "/planning/reserver/valider",
    body,
    headers: {
      host,
      origin: `http://${host}`,
      cookie: `__Host-parvis=${parent?.token}`,
      "content-type": "application/x-www-form-urlencoded",
    },
  });
  if (answer.status !== 422)
    throw new Error(`preflight: POST /planning/reserver/valider answered ${answer.status}, not 422`);
}

export interface RushReport extends RushResult {
  parents: number;
  capacity: number;
  accepted: number;
  waitlisted: number;
  /** 422 answers: the validation refused (day full without a waiting list, or another problem). */
  refused: number;
  /** No answer, or an answer other than 303 (booked) and 422 (refused). */
  failed: number;
  /** Bookings written per second, from the first request sent to the last answer. */
  bookingsPerSecond: number;
  taken: number;
  holding: number;
  overCapacity: number;
  /** CPU ms per request of the portal's process and of PostgreSQL, and others' CPU in % of a core. */
  cpu: { server: number; postgres: number; others: number } | null;
  /** How long each booking held the day's occupancy lock, ms (last statement to commit). */
  lockHold: { p50: number; p99: number; count: number };
}

function cpuPerRequest(use: CpuUse | null, requests: number): RushReport["cpu"] {
  if (!use) return null;
  let server = 0;
  let postgres = 0;
  for (const [pid, g] of use.ms) {
    if (pid === process.pid) server += g.ms;
    else if (g.comm === "postgres") postgres += g.ms;
  }
  return { server: server / requests, postgres: postgres / requests, others: use.others };
}

async function dayOutcome(db: Database, data: PlanningBenchData) {
  return db.withTenant({ role: "app_staff", tenantId: data.tenantId }, async (trx) => {
    const statuses = await sql<{ status: string; n: number; holding: number }>`
      select status, count(*)::int as n, count(*) filter (where holds_place)::int as holding
      from bookings where period_id = ${data.rushPeriodId} and day = ${data.rushDay}
      group by status`.execute(trx);
    const occupancy = await sql<{ taken: number }>`
      select taken from occupancy where period_id = ${data.rushPeriodId} and day = ${data.rushDay}`.execute(
      trx,
    );
    const count = (s: string) => statuses.rows.find((r) => r.status === s)?.n ?? 0;
    return {
      accepted: count("accepted") + count("pending"),
      waitlisted: count("waiting"),
      holding: statuses.rows.reduce((n, r) => n + r.holding, 0),
      taken: occupancy.rows[0]?.taken ?? 0,
    };
  });
}

/** Every rush parent books the same day within `spreadMs`, over HTTP, from another process. */
export async function runRush(
  dir: string,
  db: Database,
  data: PlanningBenchData,
  port: number,
  spreadMs: number,
): Promise<RushReport> {
  const config: RushConfig = {
    port,
    host: hostOf(data, port),
    path: "/planning/reserver/valider",
    spreadMs,
    requests: data.rushParents.map((p) => ({ cookie: p.token, body: rushBody(data, p.childId) })),
  };
  const file = path.join(dir, "rush.json");
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  const child = forkScript<RushResult>("planning-rush.ts", [file]);
  takeLockHolds();
  const before = cpuSample();
  const started = performance.now();
  let result: RushResult;
  try {
    result = await child.message;
  } finally {
    await child.stop();
  }
  const cpu = cpuPerRequest(cpuUse(before, cpuSample(), performance.now() - started), config.requests.length);
  const holds = takeLockHolds().sort((a, b) => a - b);
  const at = (p: number) => holds[Math.min(holds.length - 1, Math.ceil(p * holds.length) - 1)] ?? 0;
  const outcome = await dayOutcome(db, data);
  const answered = (code: number) => result.statusCodes[code] ?? 0;
  const booked = outcome.accepted + outcome.waitlisted;
  return {
    ...result,
    ...outcome,
    parents: data.rushParents.length,
    capacity: data.capacity,
    refused: answered(422),
    failed: data.rushParents.length - answered(303) - answered(422),
    bookingsPerSecond: booked / Math.max(0.001, result.spanMs / 1000),
    overCapacity: Math.max(0, outcome.holding - data.capacity, outcome.taken - data.capacity),
    cpu,
    lockHold: { p50: at(0.5), p99: at(0.99), count: holds.length },
  };
}

/** One Node thread for the portal, every core for the portal and PostgreSQL together. */
function estimate(cpu: { server: number; postgres: number }): number {
  return Math.min(1000 / cpu.server, (1000 * cores) / (cpu.server + cpu.postgres));
}

const met = (ok: boolean) => (ok ? "met" : "not met");

export function rushLines(r: RushReport, spreadMs: number): string[] {
  const codes = Object.entries(r.statusCodes)
    .map(([c, n]) => `${c}×${n}`)
    .join(" ");
  return [
    `rush: ${r.parents} parents booking the same day (${r.capacity} places, waiting list) within ` +
      `${spreadMs} ms, open model [${codes || "no answer"}]`,
    `  accepted ${r.accepted}, waitlisted ${r.waitlisted}, refused ${r.refused}, errors ${r.failed} ` +
      `(${r.errors} without an answer)`,
    `  latency p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; all answered in ${(r.spanMs / 1000).toFixed(2)} s ` +
      `= ${r.bookingsPerSecond.toFixed(0)} bookings/s (driver lag ≤ ${r.maxLagMs} ms)`,
    r.cpu
      ? `  CPU per request: portal ${r.cpu.server.toFixed(1)} ms, PostgreSQL ${r.cpu.postgres.toFixed(1)} ms ` +
        `(CPU-bound estimate for a quiet ${cores}-core machine: ${estimate(r.cpu).toFixed(0)} bookings/s); ` +
        `others' CPU ${r.cpu.others.toFixed(0)} %`
      : "  CPU per request: n/a",
    `  places over capacity: ${r.overCapacity} (occupancy ${r.taken}, bookings holding a place ${r.holding}; must be 0 over)`,
    `  occupancy lock held p50 ${r.lockHold.p50.toFixed(1)} ms, p99 ${r.lockHold.p99.toFixed(1)} ms (${r.lockHold.count} bookings; ` +
      `last statement to commit)`,
    `  targets (issue 17): every parent answered within 3 s: ${met(r.max <= 3000 && r.failed === 0)} ` +
      `(max ${r.max} ms); CPU per booking ≤ 4 ms: ` +
      `${r.cpu ? met(r.cpu.server + r.cpu.postgres <= 4) : "n/a"}; 0 over capacity: ${met(r.overCapacity === 0)}`,
  ];
}
