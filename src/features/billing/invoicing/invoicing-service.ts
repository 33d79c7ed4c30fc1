import type { Trx } from "../../../db/database.ts";
import { AppError } from "../../../http/errors.ts";
import { addDays, addMonths, monthLabel, parisToday } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import { billedHouseholds, bills, type HouseholdBill, monthPricing } from "../pricing/billable.ts";
import { regieById } from "../settings/settings-service.ts";
import {
  endRun,
  issueSlices,
  notifyRun,
  previousRuns,
  type Regie,
  RUN_SLICE,
  type RunTotals,
  startRun,
} from "./run-slices.ts";

export interface RunPreview {
  regie: Regie;
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

async function regieOf(trx: Trx, regieId: string): Promise<Regie> {
  const r = await regieById(trx, regieId);
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
  const runs = await previousRuns(trx, regieId, month);
  const households = await bills(trx, await monthPricing(trx, tenant, regieId, month));
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

function checkConfirmation(run: RunTotals, confirmation: IssueConfirmation) {
  if (run.invoiceCount !== confirmation.invoiceCount || run.totalCents !== confirmation.totalCents)
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
 * Issues the month's invoices once staff confirmed the totals they saw: one per household,
 * numbered in sequence per régie without gaps, each e-mailed « Nouvelle facture ». A later
 * run of the same month (« facturation complémentaire ») bills only the days no invoice holds
 * yet, so no day is billed twice. Households go through pricing and issuing in slices of
 * `sliceSize` (memory stays bounded whatever the town's size), each step one statement per
 * slice; `onStep` hears each step done (INVOICING_STEPS). Totals that differ from what staff
 * confirmed fail the run: its transaction is rolled back, nothing is issued.
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
  sliceSize = RUN_SLICE,
) {
  const today = checkMonthOver(month, now);
  const regie = await regieOf(trx, regieId);
  const pricing = await monthPricing(trx, tenant, regieId, month);
  const households = await billedHouseholds(trx, pricing);
  await onStep(1);
  const run = await startRun(trx, tenant, regie, month, today);
  if (!households.length && run.sequence > 1) throw nothingMore(month);
  await onStep(2);
  const issued = await issueSlices(trx, run, pricing, households, sliceSize);
  if (!issued.invoices.length && run.sequence > 1) throw nothingMore(month);
  if (confirmation) checkConfirmation(issued, confirmation);
  await onStep(3);
  await notifyRun(trx, tenant, run, issued.invoices);
  await onStep(4);
  await endRun(trx, tenant, staff, run, issued);
  await onStep(5);
  return { runId: run.batch.runId, invoices: issued.invoices, dueOn: run.batch.dueOn };
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
