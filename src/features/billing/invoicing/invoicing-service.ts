import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { notifyHouseholds } from "../../../integrations/mail/household.ts";
import { addDays, addMonths, monthLabel, parisToday, shortDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import { issueInvoices } from "../invoices/issue-service.ts";
import { householdsWithCredit, spendCredit } from "../payments/credit-ledger.ts";
import { bills, type HouseholdBill } from "../pricing/billable.ts";
import { euros } from "../pricing/pricing.ts";

export interface RunPreview {
  regie: { id: string; key: string; name: string; prefix: string };
  month: string;
  households: HouseholdBill[];
  lineCount: number;
  totalCents: number;
  /** The runs already issued for this régie and month; a new one is « complémentaire ». */
  previousRuns: { sequence: number; issuedAt: Date; invoiceCount: number }[];
}

/** What staff saw and confirmed before issuing: the run is issued only if it still holds. */
export interface IssueConfirmation {
  confirmed: boolean;
  invoiceCount: number;
  totalCents: number;
}

async function regieOf(trx: Trx, regieId: string) {
  const r = await trx
    .selectFrom("regies")
    .select(["id", "key", "name", "invoice_prefix"])
    .where("id", "=", regieId)
    .executeTakeFirst();
  if (!r) throw notFound();
  return { id: r.id, key: r.key, name: r.name, prefix: r.invoice_prefix };
}

/** « Aperçu » of a month's invoicing for a régie: households, lines, totals; nothing written. */
export async function previewRun(
  trx: Trx,
  tenant: Tenant,
  regieId: string,
  month: string,
): Promise<RunPreview> {
  const regie = await regieOf(trx, regieId);
  const runs = await trx
    .selectFrom("invoicing_runs")
    .select(["sequence", "issued_at", "invoice_count"])
    .where("regie_id", "=", regieId)
    .where("month", "=", `${month}-01`)
    .orderBy("sequence")
    .execute();
  const households = await bills(trx, tenant, regieId, month);
  return {
    regie,
    month,
    households,
    lineCount: households.reduce((n, h) => n + h.lines.length, 0),
    totalCents: households.reduce((n, h) => n + h.totalCents, 0),
    previousRuns: runs.map((r) => ({
      sequence: r.sequence,
      issuedAt: r.issued_at,
      invoiceCount: r.invoice_count,
    })),
  };
}

export const TOTALS_CHANGED =
  "Les montants ont changé depuis l'aperçu : vérifiez-les puis confirmez de nouveau.";

function checkConfirmation(preview: RunPreview, confirmation: IssueConfirmation) {
  if (
    preview.households.length !== confirmation.invoiceCount ||
    preview.totalCents !== confirmation.totalCents
  )
    throw new AppError("bad_request", 409, TOTALS_CHANGED);
  if (!confirmation.confirmed)
    throw new AppError("bad_request", 422, "Cochez la case pour confirmer l'émission des factures.");
}

/** The steps of an issue, as staff follow them (the job records the last one done). */
export const INVOICING_STEPS = [
  "Calcul des factures",
  "Numérotation des factures",
  "Enregistrement des lignes",
  "Avoirs et e-mails aux familles",
  "Vérification des totaux",
] as const;

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

/**
 * Issues the month's invoices once staff confirmed the totals they saw: one per household,
 * numbered in sequence per régie without gaps (the counter moves once, by the run's count, in
 * this transaction), each e-mailed « Nouvelle facture ». A later run of the same month
 * (« facturation complémentaire ») bills only the days no invoice holds yet, so no day is
 * billed twice. Set-based: one statement per step for the whole run; `onStep` hears each
 * step done (INVOICING_STEPS).
 */
export async function issueRun(
  trx: Trx,
  tenant: Tenant,
  staff: Actor,
  regieId: string,
  month: string,
  now: Date,
  /** From the staff form; jobs and benches that issue without a person pass none. */
  confirmation?: IssueConfirmation,
  onStep: (step: number) => Promise<void> = async () => {},
) {
  const today = checkMonthOver(month, now);
  const preview = await previewRun(trx, tenant, regieId, month);
  if (!preview.households.length && preview.previousRuns.length) throw nothingMore(month);
  if (confirmation) checkConfirmation(preview, confirmation);
  await onStep(1);
  const run = await trx
    .insertInto("invoicing_runs")
    .values({
      tenant_id: tenant.id,
      regie_id: regieId,
      month: `${month}-01`,
      sequence: preview.previousRuns.length + 1,
      issued_by: staff.userId,
      invoice_count: preview.households.length,
      line_count: preview.lineCount,
      total_cents: preview.totalCents,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const dueOn = addDays(today, tenant.config.billing.dueDays);
  const batch = { tenantId: tenant.id, regieId, kind: "invoice" as const, prefix: preview.regie.prefix };
  const dated = { ...batch, month: `${month}-01`, runId: run.id, issuedOn: today, dueOn };
  const docs = preview.households.map((h) => ({ householdId: h.householdId, lines: h.lines }));
  const issued = await issueInvoices(trx, dated, docs, () => onStep(2));
  await onStep(3);
  const withCredit = await householdsWithCredit(trx, regieId);
  for (const i of issued.filter((x) => withCredit.has(x.householdId)))
    await spendCredit(trx, tenant.id, { householdId: i.householdId, regieId, id: i.invoiceId });
  await notifyHouseholds(
    trx,
    tenant,
    issued.map((i) => ({
      householdId: i.householdId,
      template: "billing-new-invoice",
      data: {
        number: i.number,
        regie: preview.regie.name,
        month: monthLabel(month),
        total: euros(i.totalCents),
        due: shortDate(dueOn),
      },
    })),
  );
  await onStep(4);
  await checkRun(trx, run.id);
  await recordWrite(trx, tenant.id, staff, {
    householdId: null,
    action: "issue",
    entity: "invoicing_runs",
    entityId: run.id,
    fields: [],
  });
  await onStep(5);
  return { runId: run.id, invoices: issued, dueOn };
}

/** Today (Paris) when the month is over; a month is invoiced only once it ended. */
export function checkMonthOver(month: string, now: Date): string {
  const monthEnd = addDays(`${addMonths(month, 1)}-01`, -1);
  const today = parisToday(now);
  if (monthEnd >= today)
    throw new AppError(
      "bad_request",
      422,
      `La facturation de ${monthLabel(month)} se fait une fois le mois terminé.`,
    );
  return today;
}

const nothingMore = (month: string) =>
  new AppError("bad_request", 409, `Rien de plus à facturer en ${monthLabel(month)} pour cette régie.`);
