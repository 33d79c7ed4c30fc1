import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { MIN_CENTS } from "../../../integrations/payfip/rules.ts";
import { monthLabel, parisToday } from "../../../lib/dates.ts";
import { invoicesWithRegie } from "../invoice-rows.ts";
import { paidSql, settledSql } from "../payments/credit-ledger.ts";
import { amountsOf, INVOICE_STATE_LABELS, type InvoiceState } from "../payments/ledger.ts";
import { euros } from "../pricing/pricing.ts";
import { METHOD_LABELS } from "../statement/statement.ts";

/** « Titre émis (ORMC n° 2026-118) », whether the staff typed the « ORMC » prefix or not. */
export function treasuryLabel(ref: string): string {
  return `Titre émis (ORMC n° ${ref.replace(/^ORMC\s*(n°)?\s*/i, "")})`;
}

/** Invoices with their régie and what was settled on them; callers add their conditions. */
const invoiceQuery = (trx: Trx) =>
  invoicesWithRegie(trx).select([
    "i.id",
    "i.number",
    "i.kind",
    "i.month",
    "i.issued_on",
    "i.due_on",
    "i.total_cents",
    "i.treasury_ref",
    "i.credited_invoice_id",
    "i.household_id",
    "r.name as regie_name",
    "r.id as regie_id",
    "i.treasury_correction",
    settledSql.as("settled"),
    paidSql.as("paid"),
  ]);

type RawInvoice = {
  id: string;
  number: string;
  kind: "invoice" | "credit_note";
  month: string | null;
  issued_on: string;
  due_on: string | null;
  total_cents: string;
  treasury_ref: string | null;
  credited_invoice_id: string | null;
  household_id: string;
  regie_name: string;
  regie_id: string;
  treasury_correction: string | null;
  settled: string;
  paid: string;
};

export interface InvoiceRow {
  id: string;
  number: string;
  kind: "invoice" | "credit_note";
  regieId: string;
  regieName: string;
  month: string | null;
  issuedOn: string;
  dueOn: string | null;
  totalCents: number;
  leftCents: number;
  state: InvoiceState | "credit_note";
  stateLabel: string;
  treasuryRef: string | null;
  creditedInvoiceId: string | null;
  /** Why « Payer en ligne » is not offered; null when it is. */
  noOnlinePayment: string | null;
}

/** Why an invoice may not be paid online (PayFiP refuses less than 1,00 €), or null. */
function onlineRefusal(state: InvoiceState, leftCents: number): string | null {
  if (state === "paid" || state === "credited") return "Facture réglée.";
  if (state === "treasury") return "À régler auprès du Trésor public.";
  if (leftCents < MIN_CENTS)
    return `Paiement en ligne possible à partir de ${euros(MIN_CENTS)} : réglez ce montant auprès de la régie.`;
  return null;
}

function toRow(r: RawInvoice): InvoiceRow {
  const { totalCents, leftCents, state } = amountsOf(r);
  const base = {
    id: r.id,
    number: r.number,
    kind: r.kind,
    regieId: r.regie_id,
    regieName: r.regie_name,
    month: r.month,
    issuedOn: r.issued_on,
    dueOn: r.due_on,
    totalCents,
    treasuryRef: r.treasury_ref,
    creditedInvoiceId: r.credited_invoice_id,
  };
  if (r.kind === "credit_note") {
    const stateLabel =
      (r.treasury_correction && TREASURY_CORRECTION_LABELS[r.treasury_correction]) || "Avoir";
    return { ...base, leftCents: 0, state: "credit_note", stateLabel, noOnlinePayment: "Avoir." };
  }
  return {
    ...base,
    leftCents,
    state,
    stateLabel:
      state === "treasury" && r.treasury_ref ? treasuryLabel(r.treasury_ref) : INVOICE_STATE_LABELS[state],
    noOnlinePayment: onlineRefusal(state, leftCents),
  };
}

const invoicesOf = (trx: Trx, householdId: string) =>
  invoiceQuery(trx).where("i.household_id", "=", householdId);

/** « Mes factures »: the household's invoices and credit notes of every régie, newest first. */
export async function householdInvoices(trx: Trx, householdId: string): Promise<InvoiceRow[]> {
  const rows = await invoicesOf(trx, householdId)
    .orderBy("i.issued_on", "desc")
    .orderBy("i.seq", "desc")
    .execute();
  return rows.map(toRow);
}

/** The states a parent may filter « Mes factures » on (`?etat=`). */
export const STATE_FILTERS = Object.entries(INVOICE_STATE_LABELS).map(([key, label]) => ({ key, label }));

/** Unpaid invoices, those handed to the Treasury included (paid there): the home page's block. */
export async function unpaidInvoices(trx: Trx, householdId: string): Promise<InvoiceRow[]> {
  const rows = await invoicesOf(trx, householdId)
    .where("i.kind", "=", "invoice")
    .where(sql<boolean>`i.total_cents > ${settledSql}`)
    .orderBy("i.issued_on", "asc")
    .execute();
  return rows.map(toRow);
}

/** One invoice of the household (or, with no household, any the persona may read), or null. */
export async function findInvoice(trx: Trx, invoiceId: string, householdId?: string) {
  let q = invoiceQuery(trx).where("i.id", "=", invoiceId);
  if (householdId) q = q.where("i.household_id", "=", householdId);
  const row = await q.executeTakeFirst();
  return row ? { ...toRow(row), householdId: row.household_id } : null;
}

export interface InvoiceDetail {
  invoice: InvoiceRow & { householdId: string };
  lines: { label: string; day: string | null; quantity: number; unitCents: number; amountCents: number }[];
  payments: { receivedOn: string; method: string; amountCents: number; reference: string | null }[];
  creditNotes: InvoiceRow[];
  /** Credit (avoirs) spent on the invoice. */
  allocations: { id: string; number: string; label: string; on: string; amountCents: number }[];
  /** The invoice a credit note corrects. */
  credited: { id: string; number: string } | null;
}

/** An invoice with its lines, payments and credit notes; null when the persona may not read it. */
export async function invoiceDetail(
  trx: Trx,
  invoiceId: string,
  householdId?: string,
): Promise<InvoiceDetail | null> {
  const invoice = await findInvoice(trx, invoiceId, householdId);
  if (!invoice) return null;
  const [lines, payments, notes, credited, allocations] = await Promise.all([
    trx
      .selectFrom("invoice_lines")
      .select(["label", "day", "quantity", "unit_cents", "amount_cents"])
      .where("invoice_id", "=", invoiceId)
      .orderBy("position")
      .execute(),
    householdPayments(trx, invoice.householdId, invoiceId),
    invoicesOf(trx, invoice.householdId)
      .where("i.credited_invoice_id", "=", invoiceId)
      .orderBy("i.seq")
      .execute(),
    invoice.creditedInvoiceId
      ? trx
          .selectFrom("invoices")
          .select(["id", "number"])
          .where("id", "=", invoice.creditedInvoiceId)
          .executeTakeFirst()
      : undefined,
    allocationsOn(trx, invoiceId),
  ]);
  return {
    invoice,
    lines: lines.map((l) => ({
      label: l.label,
      day: l.day,
      quantity: l.quantity,
      unitCents: Number(l.unit_cents),
      amountCents: Number(l.amount_cents),
    })),
    payments,
    creditNotes: notes.map(toRow),
    allocations,
    credited: credited ?? null,
  };
}

/** The avoirs (or overpaid invoices: « Trop-perçu ») whose credit was spent on an invoice. */
async function allocationsOn(trx: Trx, invoiceId: string) {
  const rows = await trx
    .selectFrom("credit_allocations as a")
    .innerJoin("invoices as c", "c.id", "a.credit_note_id")
    .select(["c.id", "c.number", "c.kind", "c.treasury_correction", "a.amount_cents", "a.created_at"])
    .where("a.invoice_id", "=", invoiceId)
    .orderBy("a.created_at")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    label:
      r.kind === "invoice"
        ? "Trop-perçu de la facture"
        : (r.treasury_correction && TREASURY_CORRECTION_LABELS[r.treasury_correction]) || "Avoir",
    on: parisToday(r.created_at),
    amountCents: Number(r.amount_cents),
  }));
}

/** « Mes règlements »: the household's payments (of one invoice, when given), newest first. */
export async function householdPayments(trx: Trx, householdId: string, invoiceId?: string) {
  let q = trx
    .selectFrom("payments as p")
    .innerJoin("invoices as i", "i.id", "p.invoice_id")
    .innerJoin("regies as r", "r.id", "p.regie_id")
    .select(["p.received_on", "p.method", "p.amount_cents", "p.reference", "i.number", "i.id", "r.name"])
    .where("p.household_id", "=", householdId);
  if (invoiceId) q = q.where("p.invoice_id", "=", invoiceId);
  const rows = await q.orderBy("p.received_on", "desc").orderBy("p.created_at", "desc").execute();
  return rows.map((p) => ({
    receivedOn: p.received_on,
    method: `Règlement ${METHOD_LABELS[p.method]}`,
    amountCents: Number(p.amount_cents),
    reference: p.reference,
    invoiceNumber: p.number,
    invoiceId: p.id,
    regieName: p.name,
  }));
}

export const TREASURY_CORRECTION_LABELS: Record<string, string> = {
  reduction: "Réduction de titre",
  annulation: "Annulation de titre",
};

/** Formatting helpers the billing templates use. */
export const FMT = {
  euros,
  date: (iso: string | null) => (iso ? iso.split("-").reverse().join("/") : "–"),
  month: (month: string | null) => (month ? monthLabel(month.slice(0, 7)) : "–"),
};
