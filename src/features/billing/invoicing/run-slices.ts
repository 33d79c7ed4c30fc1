import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { notifyHouseholds } from "../../../integrations/mail/household.ts";
import { nextNumbers } from "../../../lib/counters.ts";
import { addDays, monthLabel, shortDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import { counterOf, type IssuedInvoice, issueNumbered } from "../invoices/issue-service.ts";
import { householdsWithCredit, spendCredit } from "../payments/credit-ledger.ts";
import { bills, type MonthPricing } from "../pricing/billable.ts";
import { euros } from "../pricing/pricing.ts";

/**
 * A monthly run is issued in slices of households (decision 0013, « The run in slices »):
 * each slice is priced and its invoices and lines written; only the run's small figures stay
 * in memory, so a city's run holds one slice's lines at a time. Numbers stay gapless: the
 * régie's counter is locked from the start, each slice numbered after the one before, and
 * the counter moved once by the run's count at the end.
 */
export const RUN_SLICE = 1000;

export interface Regie {
  id: string;
  key: string;
  name: string;
  prefix: string;
}

export interface Run {
  regie: Regie;
  month: string;
  sequence: number;
  /** The run's first invoice number. */
  first: number;
  batch: {
    tenantId: string;
    regieId: string;
    kind: "invoice";
    prefix: string;
    month: string;
    runId: string;
    issuedOn: string;
    dueOn: string;
  };
}

export interface RunTotals {
  invoiceCount: number;
  totalCents: number;
}

interface IssuedRun extends RunTotals {
  invoices: IssuedInvoice[];
  lineCount: number;
}

/** The runs already issued for this régie and month, in order. */
export function previousRuns(trx: Trx, regieId: string, month: string) {
  return trx
    .selectFrom("invoicing_runs")
    .select(["sequence", "issued_at", "invoice_count"])
    .where("regie_id", "=", regieId)
    .where("month", "=", `${month}-01`)
    .orderBy("sequence")
    .execute();
}

/**
 * Before the first invoice: the régie's counter locked until commit and its next number read
 * (not moved: `endRun` moves it by the run's count), then the run's sequence in its month.
 * The run's row is written last, with its totals: its invoices' key to it is checked at
 * commit (migration 2026-12-06T2004 made it deferrable).
 */
export async function startRun(trx: Trx, tenant: Tenant, regie: Regie, month: string, today: string) {
  const batch = {
    tenantId: tenant.id,
    regieId: regie.id,
    kind: "invoice" as const,
    prefix: regie.prefix,
    month: `${month}-01`,
    runId: randomUUID(),
    issuedOn: today,
    dueOn: addDays(today, tenant.config.billing.dueDays),
  };
  await sql`set constraints invoices_tenant_id_run_id_fkey deferred`.execute(trx);
  const first = await nextNumbers(trx, tenant.id, counterOf(batch), 0);
  const sequence = (await previousRuns(trx, regie.id, month)).length + 1;
  return { regie, month, sequence, first, batch } satisfies Run;
}

/** Prices and issues the households (in invoice order) slice by slice, numbered in sequence. */
export async function issueSlices(
  trx: Trx,
  run: Run,
  pricing: MonthPricing,
  households: string[],
  size: number,
): Promise<IssuedRun> {
  const invoices: IssuedInvoice[] = [];
  let lineCount = 0;
  for (let i = 0; i < households.length; i += size) {
    const slice = await bills(trx, pricing, households.slice(i, i + size));
    lineCount += slice.reduce((n, h) => n + h.lines.length, 0);
    const docs = slice.map((h) => ({ householdId: h.householdId, lines: h.lines }));
    invoices.push(...(await issueNumbered(trx, run.batch, docs, run.first + invoices.length)));
  }
  const totalCents = invoices.reduce((n, x) => n + x.totalCents, 0);
  return { invoices, lineCount, invoiceCount: invoices.length, totalCents };
}

/** Credit the families hold is spent on their new invoice; each invoice is e-mailed. */
export async function notifyRun(trx: Trx, tenant: Tenant, run: Run, invoices: IssuedInvoice[]) {
  const withCredit = await householdsWithCredit(trx, run.regie.id);
  for (const i of invoices.filter((x) => withCredit.has(x.householdId)))
    await spendCredit(trx, tenant.id, { householdId: i.householdId, regieId: run.regie.id, id: i.invoiceId });
  const [regie, month, due] = [run.regie.name, monthLabel(run.month), shortDate(run.batch.dueOn)];
  for (let i = 0; i < invoices.length; i += RUN_SLICE)
    await notifyHouseholds(
      trx,
      tenant,
      invoices.slice(i, i + RUN_SLICE).map((x) => ({
        householdId: x.householdId,
        template: "billing-new-invoice",
        data: { number: x.number, regie, month, total: euros(x.totalCents), due },
      })),
    );
}

/**
 * The run's own check before commit: every invoice's total is the sum of its lines and no
 * booked day is billed twice (in this run or with an earlier one). Fails the run otherwise.
 */
async function checkRun(trx: Trx, runId: string) {
  const { rows } = await sql<{ bad: number; twice: number }>`
    select
      (select count(*)::int from invoices i where i.run_id = ${runId}::uuid and i.total_cents <>
        (select coalesce(sum(l.amount_cents), 0) from invoice_lines l where l.invoice_id = i.id)) as bad,
      (select count(*)::int from (select l.booking_id from invoices i
        join invoice_lines l on l.invoice_id = i.id and l.booking_id is not null
        where i.run_id = ${runId}::uuid and exists (select 1 from invoice_lines o
          where o.booking_id = l.booking_id and o.label = l.label and o.id <> l.id)) d) as twice`.execute(
    trx,
  );
  const found = rows[0];
  if (found?.bad || found?.twice) throw new Error(`invoicing run ${runId} failed its checks`);
}

/** The counter moved by the run's count, the run's row with its totals, its checks, its audit. */
export async function endRun(trx: Trx, tenant: Tenant, staff: Actor, run: Run, issued: IssuedRun) {
  if (issued.invoiceCount) await nextNumbers(trx, tenant.id, counterOf(run.batch), issued.invoiceCount);
  await trx
    .insertInto("invoicing_runs")
    .values({
      tenant_id: tenant.id,
      id: run.batch.runId,
      regie_id: run.regie.id,
      month: run.batch.month,
      sequence: run.sequence,
      issued_by: staff.userId,
      invoice_count: issued.invoiceCount,
      line_count: issued.lineCount,
      total_cents: issued.totalCents,
    })
    .execute();
  await checkRun(trx, run.batch.runId);
  await recordWrite(trx, tenant.id, staff, {
    householdId: null,
    action: "issue",
    entity: "invoicing_runs",
    entityId: run.batch.runId,
    fields: [],
  });
}
