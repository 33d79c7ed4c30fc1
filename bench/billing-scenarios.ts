/**
 * The billing scenarios of `npm run bench` (issue 5): the monthly invoicing run through the
 * real service functions as staff (previewRun, then issueRun in its own transaction), then
 * totals checked in SQL; and « Mes factures » (GET /factures) under autocannon. run.ts calls
 * these and prints what they return.
 */
import { sql } from "kysely";
import type { Database, TenantContext } from "../src/db/database.ts";
import { requestRun } from "../src/features/billing/invoicing/invoicing-requests.ts";
import { previewRun } from "../src/features/billing/invoicing/invoicing-service.ts";
import type { BillingBenchData } from "./billing-generate.ts";
import type { LoadResult, LoadTarget } from "./load.ts";
import { httpRequest } from "./proc.ts";

export const FACTURES_PATH = "/factures";
const hostOf = (data: BillingBenchData, port: number) => `${data.tenant.slug}.localhost:${port}`;

export interface InvoicingReport {
  households: number;
  previewLines: number;
  previewMs: number;
  /** From the staff's request to the job's end (queue pick-up included). */
  issueMs: number;
  /** The portal process's peak resident memory during the issue (its worker runs the job). */
  peakRssBytes: number;
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

/** Samples this process's resident memory (the portal and its job worker run here) until stopped. */
function peakMemory() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss());
  };
}

/**
 * Waits for the issue_invoicing job (run by the portal's worker) to end the requested run. On
 * a loaded machine a poll may fail to get a connection: it is simply tried again.
 */
async function jobEnd(db: Database, staff: TenantContext, id: string) {
  for (;;) {
    const row = await db
      .withTenant(staff, (trx) =>
        trx
          .selectFrom("invoicing_jobs")
          .select(["state", "problem", "run_id"])
          .where("id", "=", id)
          .executeTakeFirstOrThrow(),
      )
      .catch(() => null);
    if (row?.state === "failed") throw new Error(`invoicing job failed: ${row.problem}`);
    if (row?.state === "done") return row.run_id as string;
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
  const preview = await db.withTenant(staff, (trx) => previewRun(trx, data.tenant, data.regieId, data.month));
  const previewMs = performance.now() - t;
  const memory = peakMemory();
  t = performance.now();
  const actor = { kind: "staff" as const, userId: data.staffUserId };
  const confirmation = {
    confirmed: true,
    invoiceCount: preview.households.length,
    totalCents: preview.totalCents,
  };
  const jobId = await db.withTenant(staff, (trx) =>
    requestRun(trx, data.tenant, actor, data.regieId, data.month, now, confirmation),
  );
  const runId = await jobEnd(db, staff, jobId);
  const issueMs = performance.now() - t;
  const peakRssBytes = memory();
  const found = await checks(db, data, runId);
  const run = await db.withTenant(staff, (trx) =>
    trx
      .selectFrom("invoices")
      .select((eb) => [eb.fn.countAll<string>().as("n"), eb.fn.sum<string>("total_cents").as("cents")])
      .where("run_id", "=", runId)
      .executeTakeFirstOrThrow(),
  );
  return {
    households: preview.households.length,
    previewLines: preview.lineCount,
    previewMs,
    issueMs,
    peakRssBytes,
    invoices: Number(run.n),
    totalCents: Number(run.cents),
    badTotals: found.bad,
    lines: found.lines,
    billedTwice: found.twice,
  };
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
      `${(r.totalCents / 100).toFixed(2)} €; peak memory of the portal ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    `  checks: invoices whose total ≠ sum of lines ${r.badTotals}, booking days billed twice ${r.billedTwice}, ` +
      `lines issued ${r.lines} vs previewed ${r.previewLines} (all must match; 0 and 0)`,
  ];
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
