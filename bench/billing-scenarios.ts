/**
 * The billing scenarios of `npm run bench` (issue 5): the monthly invoicing run through the
 * real service functions as staff (previewRun, then issueRun in its own transaction), then
 * totals checked in SQL; and « Mes factures » (GET /factures) under autocannon. run.ts calls
 * these and prints what they return.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { sql } from "kysely";
import type { Database, TenantContext } from "../src/db/database.ts";
import { requestRun } from "../src/features/billing/invoicing/invoicing-requests.ts";
import { INVOICING_STEPS, previewRun } from "../src/features/billing/invoicing/invoicing-service.ts";
import type { BillingBenchData } from "./billing-generate.ts";
import { type CpuSample, cpuSample, cpuUse } from "./cpu.ts";
import type { LoadResult, LoadTarget } from "./load.ts";
import { mib, type PeakMemory, sampleMemory } from "./memory.ts";
import { httpRequest } from "./proc.ts";
import type { Summary } from "./summary.ts";

export const FACTURES_PATH = "/factures";
const hostOf = (data: BillingBenchData, port: number) => `${data.tenant.slug}.localhost:${port}`;

export interface InvoicingReport {
  runId: string;
  households: number;
  previewLines: number;
  previewMs: number;
  /** From the staff's request to the job's end (queue pick-up included). */
  issueMs: number;
  /** Peak memory during the issue: the portal process (its worker runs the job) and PostgreSQL. */
  memory: PeakMemory;
  /** Seconds each step of the job took (INVOICING_STEPS), as seen by polling its progress. */
  stepMs: number[];
  /** CPU ms of the portal process and of PostgreSQL: the preview, each step (robust to a loaded machine). */
  previewCpu: StepCpu | null;
  stepCpu: (StepCpu | null)[];
  invoices: number;
  totalCents: number;
  /** Invoices whose total differs from the sum of their lines (must be 0); lines of the run; booking days billed twice (0). */
  badTotals: number;
  lines: number;
  billedTwice: number;
}

async function checks(db: Database, data: BillingBenchData, runId: string) {
  const staff = { role: "app_staff" as const, tenantId: data.tenant.id, userId: data.staffUserId };
  return db.withTenant(staff, async (trx) => {
    const { rows } = await sql<{ bad: number; lines: number; twice: number }>`
      select
        (select count(*)::int from invoices i where i.total_cents <>
          (select coalesce(sum(l.amount_cents), 0) from invoice_lines l where l.invoice_id = i.id)) as bad,
        (select count(*)::int from invoice_lines l join invoices i on i.id = l.invoice_id
          where i.run_id = ${runId}::uuid) as lines,
        (select count(*)::int from (select booking_id, label from invoice_lines where booking_id is not null
          group by 1, 2 having count(*) > 1) d) as twice`.execute(trx);
    return rows[0] as { bad: number; lines: number; twice: number };
  });
}

/** A full garbage collection of this process (V8's gc, exposed for the bench only). */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

export interface StepCpu {
  portal: number;
  postgres: number;
}

/** CPU ms of this process (the portal and its worker) and of PostgreSQL between two samples. */
function cpuOf(a: CpuSample | null, b: CpuSample | null, elapsedMs: number): StepCpu | null {
  // Steps seen done at the same poll share its sample: all but the last took no time.
  if (a && a === b) return { portal: 0, postgres: 0 };
  const use = cpuUse(a, b, elapsedMs);
  if (!use) return null;
  let portal = 0;
  let postgres = 0;
  for (const [pid, g] of use.ms)
    if (pid === process.pid) portal += g.ms;
    else if (g.comm === "postgres") postgres += g.ms;
  return { portal, postgres };
}

/**
 * Waits for the issue_invoicing job (run by the portal's worker) to end the requested run. On
 * a loaded machine a poll may fail to get a connection: it is simply tried again.
 */
async function jobEnd(db: Database, staff: TenantContext, id: string, started: number) {
  // When each step was first seen done (step k done at seen[k]); the request is step 0.
  const seen: number[] = [started];
  const cpu: (CpuSample | null)[] = [cpuSample()];
  for (;;) {
    const row = await db
      .withTenant(staff, (trx) =>
        trx
          .selectFrom("invoicing_jobs")
          .select(["state", "problem", "run_id", "step"])
          .where("id", "=", id)
          .executeTakeFirstOrThrow(),
      )
      .catch(() => null);
    if (row?.state === "failed") throw new Error(`invoicing job failed: ${row.problem}`);
    const done = row ? (row.state === "done" ? INVOICING_STEPS.length : (row.step ?? 0)) : 0;
    if (done >= seen.length) {
      const [now, sample] = [performance.now(), cpuSample()];
      for (let k = seen.length; k <= done; k++) {
        seen[k] = now;
        cpu[k] = sample;
      }
    }
    if (row?.state === "done") {
      const stepMs = INVOICING_STEPS.map((_, k) => (seen[k + 1] as number) - (seen[k] as number));
      const stepCpu = INVOICING_STEPS.map((_, k) =>
        cpuOf(cpu[k] ?? null, cpu[k + 1] ?? null, stepMs[k] as number),
      );
      return { runId: row.run_id as string, stepMs, stepCpu };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The month's invoicing for the régie, as an agent would run it: the preview, then the run
 * asked for with the totals it showed and issued by the job worker; timed; then checked in SQL.
 */
export async function runInvoicing(
  db: Database,
  data: BillingBenchData,
  now: Date,
): Promise<InvoicingReport> {
  const staff = { role: "app_staff" as const, tenantId: data.tenant.id, userId: data.staffUserId };
  let t = performance.now();
  const before = cpuSample();
  // Only its figures are kept: the job (in this process) builds its own, and memory is measured.
  const preview = await db.withTenant(staff, async (trx) => {
    const p = await previewRun(trx, data.tenant, data.regieId, data.month);
    return { households: p.households.length, lineCount: p.lineCount, totalCents: p.totalCents };
  });
  const previewMs = performance.now() - t;
  const previewCpu = cpuOf(before, cpuSample(), previewMs);
  // The preview's objects are garbage now: collected first, the peak is the job's own.
  collectGarbage();
  const stopSampling = sampleMemory();
  t = performance.now();
  const actor = { kind: "staff" as const, userId: data.staffUserId };
  const confirmation = {
    confirmed: true,
    invoiceCount: preview.households,
    totalCents: preview.totalCents,
  };
  const jobId = await db.withTenant(staff, (trx) =>
    requestRun(trx, data.tenant, actor, data.regieId, data.month, now, confirmation),
  );
  const { runId, stepMs, stepCpu } = await jobEnd(db, staff, jobId, t);
  const issueMs = performance.now() - t;
  const memory = stopSampling();
  const found = await checks(db, data, runId);
  const run = await db.withTenant(staff, (trx) =>
    trx
      .selectFrom("invoices")
      .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.sum<string>("total_cents").as("cents")])
      .where("run_id", "=", runId)
      .executeTakeFirstOrThrow(),
  );
  return {
    runId,
    households: preview.households,
    previewLines: preview.lineCount,
    previewMs,
    issueMs,
    memory,
    stepMs,
    previewCpu,
    stepCpu,
    invoices: Number(run.n),
    totalCents: Number(run.cents),
    badTotals: found.bad,
    lines: found.lines,
    billedTwice: found.twice,
  };
}

const cpuText = (c: StepCpu | null | undefined) =>
  c ? ` (CPU ${(c.portal / 1000).toFixed(2)} + ${(c.postgres / 1000).toFixed(2)} s)` : "";

function sumCpu(steps: (StepCpu | null)[]): StepCpu | null {
  if (steps.some((c) => !c)) return null;
  return steps.reduce<StepCpu>(
    (a, c) => ({ portal: a.portal + (c?.portal ?? 0), postgres: a.postgres + (c?.postgres ?? 0) }),
    { portal: 0, postgres: 0 },
  );
}

export function invoicingLines(r: InvoicingReport, families: number): string[] {
  const secs = (ms: number) => (ms / 1000).toFixed(2);
  const met = (ok: boolean) => (ok ? "met" : "not met");
  const linesPerSec = r.lines / (r.issueMs / 1000);
  // Issue 17: 5,000 children in 5 s (20,000 lines/s), a city of 50,000 in 60 s; preview 1 s.
  const issueTarget = families > 5000 ? 60_000 : 5000;
  return [
    `monthly invoicing run (${families} children, one per household): preview ${secs(r.previewMs)} s ` +
      `(${r.households} households, ${r.previewLines} lines; target ≤ 1 s for 5,000: ` +
      `${families > 5000 ? "n/a" : met(r.previewMs <= 1000)}); issue as a job ${secs(r.issueMs)} s ` +
      `(its own preview included; target ≤ ${issueTarget / 1000} s: ${met(r.issueMs <= issueTarget)}) = ` +
      `${linesPerSec.toFixed(0)} invoice lines/s (target ≥ 20,000: ${met(linesPerSec >= 20_000)}), ` +
      `${(r.invoices / (r.issueMs / 1000)).toFixed(0)} invoices/s; ${r.invoices} invoices, ${r.lines} lines, ` +
      `${(r.totalCents / 100).toFixed(2)} €`,
    `  peak memory during the issue: portal process (runs the job) RSS ${mib(r.memory.rssBytes)}, ` +
      `V8 heap ${mib(r.memory.heapBytes)}; PostgreSQL private ${mib(r.memory.postgresBytes)} over its processes ` +
      `(largest ${mib(r.memory.postgresLargestBytes)}), shared buffers touched ${mib(r.memory.postgresSharedBytes)}`,
    `  steps (from the job's progress, polled every 50 ms; the first includes the queue pick-up): ` +
      INVOICING_STEPS.map((name, k) => `${name} ${secs(r.stepMs[k] ?? 0)} s${cpuText(r.stepCpu[k])}`).join(
        ", ",
      ),
    `  CPU (portal + PostgreSQL, what a quiet machine would take, nearly): preview${cpuText(r.previewCpu)}; ` +
      `issue${cpuText(sumCpu(r.stepCpu))}`,
    `  checks: invoices whose total ≠ sum of lines ${r.badTotals}, booking days billed twice ${r.billedTwice}, ` +
      `lines issued ${r.lines} vs previewed ${r.previewLines} (all must match; 0 and 0)`,
  ];
}

/** Issue 17 item 4's figures for the final table: a town (5,000 children) or a city (more). */
export function invoicingSummary(summary: Summary, r: InvoicingReport, families: number): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const city = families > 5000;
  const who = `${families} children`;
  const linesPerSec = r.lines / (r.issueMs / 1000);
  if (!city) summary.add(4, `preview, ${who}`, s(r.previewMs), "≤ 1 s", r.previewMs <= 1000);
  summary.add(
    4,
    `issue as a job, ${who}`,
    s(r.issueMs),
    city ? "≤ 60 s" : "≤ 5 s",
    r.issueMs <= (city ? 60_000 : 5000),
  );
  if (!city)
    summary.add(4, `invoice lines/s, ${who}`, linesPerSec.toFixed(0), "≥ 20,000", linesPerSec >= 20_000);
  summary.add(
    4,
    `checks, ${who}`,
    `${r.badTotals} bad totals, ${r.billedTwice} billed twice, ${r.lines}/${r.previewLines} lines`,
    "0, 0, all previewed",
    !invoicingFailed(r),
  );
  summary.add(
    4,
    `peak memory, ${who}`,
    `portal RSS ${mib(r.memory.rssBytes)} (heap ${mib(r.memory.heapBytes)}), PG private ${mib(r.memory.postgresBytes)}`,
    "printed",
    null,
  );
}

export function invoicingFailed(r: InvoicingReport): boolean {
  return r.badTotals > 0 || r.billedTwice > 0 || r.lines !== r.previewLines || r.invoices !== r.households;
}

export function facturesTargets(data: BillingBenchData, port: number): LoadTarget[] {
  return data.invoiceSessions.map((token) => ({
    headers: { host: hostOf(data, port), cookie: `__Host-parvis=${token}` },
  }));
}

/** « Mes factures » answers 200 to a generated parent and lists twelve invoices. */
export async function preflightFactures(data: BillingBenchData, port: number): Promise<number> {
  const [target] = facturesTargets(data, port);
  const res = await httpRequest(port, { path: FACTURES_PATH, headers: target?.headers });
  const shown = new Set(res.body.match(/RS-\d+/g) ?? []).size;
  if (res.status !== 200 || shown < 12)
    throw new Error(`preflight: ${FACTURES_PATH} answered ${res.status} with ${shown} invoice numbers`);
  return shown;
}

export function facturesLine(page: LoadResult, baseline: LoadResult, invoices: number): string {
  return (
    `Mes factures / baseline = ${page.requestsPerSecond.toFixed(0)} / ${baseline.requestsPerSecond.toFixed(0)} req/s = ` +
    `${((100 * page.requestsPerSecond) / baseline.requestsPerSecond).toFixed(0)} %, p50 ${page.p50} ms, ` +
    `p99 ${page.p99} ms (${invoices} invoices per parent; no target)`
  );
}
