import type { Trx } from "../../../db/database.ts";

/** One operation of « Relevé de compte »: an invoice is a debit; a payment or an avoir, a credit. */
export interface Operation {
  date: string;
  label: string;
  kind: "invoice" | "credit_note" | "payment" | "refund";
  debitCents: number;
  creditCents: number;
}

export interface Statement {
  openingCents: number;
  operations: Operation[];
  debitCents: number;
  creditCents: number;
  /** « Solde du compte »: what the household owes (negative: in credit). */
  balanceCents: number;
}

/** « Ancien solde » + debits − credits, operations by date (invoices before payments of a day). */
export function buildStatement(openingCents: number, operations: Operation[]): Statement {
  const order = { invoice: 0, credit_note: 1, payment: 2, refund: 3 };
  const sorted = [...operations].sort(
    (a, b) => a.date.localeCompare(b.date) || order[a.kind] - order[b.kind],
  );
  const debitCents = sorted.reduce((s, o) => s + o.debitCents, 0);
  const creditCents = sorted.reduce((s, o) => s + o.creditCents, 0);
  return {
    openingCents,
    operations: sorted,
    debitCents,
    creditCents,
    balanceCents: openingCents + debitCents - creditCents,
  };
}

/** The school year "2026-2027": 1 September to 31 August. */
export function schoolYearBounds(year: string): { from: string; to: string } {
  const start = Number(year.slice(0, 4));
  return { from: `${start}-09-01`, to: `${start + 1}-08-31` };
}

type Account = { householdId: string; regieId: string };

/** A household's statement for one régie and school year (RLS fences parents to their own). */
export async function statementFor(
  trx: Trx,
  householdId: string,
  regieId: string,
  year: string,
): Promise<Statement> {
  const { from, to } = schoolYearBounds(year);
  const account = { householdId, regieId };
  const ops: Operation[] = [];
  for (const source of [refundOperations, invoiceOperations, paymentOperations])
    ops.push(...(await source(trx, account, to)));
  const before = ops.filter((o) => o.date < from);
  const opening = before.reduce((s, o) => s + o.debitCents - o.creditCents, 0);
  return buildStatement(
    opening,
    ops.filter((o) => o.date >= from),
  );
}

/** Refunds paid to the household by transfer up to a day: debits (the credit leaves the account). */
async function refundOperations(trx: Trx, a: Account, to: string): Promise<Operation[]> {
  const refunds = await trx
    .selectFrom("refunds")
    .select(["paid_on", "amount_cents"])
    .where("household_id", "=", a.householdId)
    .where("regie_id", "=", a.regieId)
    .where("state", "=", "paid")
    .where("paid_on", "<=", to)
    .execute();
  return refunds.map((r) => ({
    date: r.paid_on as string,
    label: "Remboursement d'avoir par virement",
    kind: "refund" as const,
    debitCents: Number(r.amount_cents),
    creditCents: 0,
  }));
}

/** Invoices (debits) and avoirs (credits) issued up to a day. */
async function invoiceOperations(trx: Trx, a: Account, to: string): Promise<Operation[]> {
  const invoices = await trx
    .selectFrom("invoices")
    .select(["number", "kind", "issued_on as date", "total_cents"])
    .where("household_id", "=", a.householdId)
    .where("regie_id", "=", a.regieId)
    .where("issued_on", "<=", to)
    .execute();
  return invoices.map((i) => ({
    date: i.date,
    label: i.kind === "invoice" ? `Facture ${i.number}` : `Avoir ${i.number}`,
    kind: i.kind,
    debitCents: i.kind === "invoice" ? Number(i.total_cents) : 0,
    creditCents: i.kind === "credit_note" ? Number(i.total_cents) : 0,
  }));
}

/** Payments received up to a day, each naming its invoice: credits. */
async function paymentOperations(trx: Trx, a: Account, to: string): Promise<Operation[]> {
  const payments = await trx
    .selectFrom("payments as p")
    .innerJoin("invoices as i", "i.id", "p.invoice_id")
    .select(["p.received_on as date", "p.amount_cents", "p.method", "i.number"])
    .where("p.household_id", "=", a.householdId)
    .where("p.regie_id", "=", a.regieId)
    .where("p.received_on", "<=", to)
    .execute();
  return payments.map((p) => ({
    date: p.date,
    label: `Règlement ${METHOD_LABELS[p.method]} – facture ${p.number}`,
    kind: "payment" as const,
    debitCents: 0,
    creditCents: Number(p.amount_cents),
  }));
}

export const METHOD_LABELS = {
  cheque: "par chèque",
  especes: "en espèces",
  cesu: "par CESU",
  virement: "par virement",
  payfip_card: "en ligne par carte",
  payfip_debit: "en ligne par prélèvement",
} as const;
