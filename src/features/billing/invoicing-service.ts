import type { Trx } from "../../db/database.ts";
import { AppError, notFound } from "../../http/errors.ts";
import { notifyHousehold } from "../../integrations/mail/household.ts";
import { nextNumber } from "../../lib/counters.ts";
import { addDays, addMonths, monthLabel, parisToday, shortDate } from "../../lib/dates.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../audit/service.ts";
import { bills, type HouseholdBill } from "./billable.ts";
import { householdsWithCredit, spendCredit } from "./credit-ledger.ts";
import { euros } from "./pricing.ts";

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

function checkConfirmation(preview: RunPreview, confirmation: IssueConfirmation) {
  if (
    preview.households.length !== confirmation.invoiceCount ||
    preview.totalCents !== confirmation.totalCents
  )
    throw new AppError(
      "bad_request",
      409,
      "Les montants ont changé depuis l'aperçu : vérifiez-les puis confirmez de nouveau.",
    );
  if (!confirmation.confirmed)
    throw new AppError("bad_request", 422, "Cochez la case pour confirmer l'émission des factures.");
}

/**
 * Issues the month's invoices once staff confirmed the totals they saw: one per household,
 * numbered in sequence per régie without gaps (the counter moves in this transaction), each
 * e-mailed « Nouvelle facture ». A later run of the same month (« facturation
 * complémentaire ») bills only the days no invoice holds yet, so no day is billed twice.
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
) {
  const monthEnd = addDays(`${addMonths(month, 1)}-01`, -1);
  const today = parisToday(now);
  if (monthEnd >= today)
    throw new AppError(
      "bad_request",
      422,
      `La facturation de ${monthLabel(month)} se fait une fois le mois terminé.`,
    );
  const preview = await previewRun(trx, tenant, regieId, month);
  if (!preview.households.length && preview.previousRuns.length)
    throw new AppError(
      "bad_request",
      409,
      `Rien de plus à facturer en ${monthLabel(month)} pour cette régie.`,
    );
  if (confirmation) checkConfirmation(preview, confirmation);
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
  const issued: { invoiceId: string; householdId: string; number: string; totalCents: number }[] = [];
  const withCredit = await householdsWithCredit(trx, regieId);
  for (const h of preview.households) {
    const seq = await nextNumber(trx, tenant.id, `invoice:${regieId}`);
    const number = `${preview.regie.prefix}${seq}`;
    const invoice = await trx
      .insertInto("invoices")
      .values({
        tenant_id: tenant.id,
        regie_id: regieId,
        household_id: h.householdId,
        kind: "invoice",
        seq,
        number,
        month: `${month}-01`,
        run_id: run.id,
        issued_on: today,
        due_on: dueOn,
        total_cents: h.totalCents,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("invoice_lines")
      .values(
        h.lines.map((l, position) => ({
          tenant_id: tenant.id,
          invoice_id: invoice.id,
          household_id: h.householdId,
          booking_id: l.bookingId,
          child_id: l.childId,
          day: l.day,
          label: l.label,
          quantity: l.quantity,
          unit_cents: l.unitCents,
          amount_cents: l.amountCents,
          position,
        })),
      )
      .execute();
    if (withCredit.has(h.householdId))
      await spendCredit(trx, tenant.id, { householdId: h.householdId, regieId, id: invoice.id });
    await notifyHousehold(trx, tenant, h.householdId, {
      template: "billing-new-invoice",
      data: {
        number,
        regie: preview.regie.name,
        month: monthLabel(month),
        total: euros(h.totalCents),
        due: shortDate(dueOn),
      },
    });
    issued.push({ invoiceId: invoice.id, householdId: h.householdId, number, totalCents: h.totalCents });
  }
  await recordWrite(trx, tenant.id, staff, {
    householdId: null,
    action: "issue",
    entity: "invoicing_runs",
    entityId: run.id,
    fields: [],
  });
  return { runId: run.id, invoices: issued, dueOn };
}
