import { sql } from "kysely";
import type { PaymentMethod } from "../../../db/billing-types.ts";
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
  const { rows } = await accountOperations(trx, { householdId, regieId }, to);
  const ops = rows.map(toOperation);
  const before = ops.filter((o) => o.date < from);
  const opening = before.reduce((s, o) => s + o.debitCents - o.creditCents, 0);
  return buildStatement(
    opening,
    ops.filter((o) => o.date >= from),
  );
}

type Source = {
  kind: Operation["kind"];
  date: string;
  cents: string;
  number: string | null;
  /** A payment's method (null on the other operations). */
  method: PaymentMethod | null;
};

/**
 * Everything that moved the account up to a day, in one round trip: invoices and avoirs
 * issued, payments received (with their invoice's number), refunds paid by transfer.
 */
function accountOperations(trx: Trx, a: Account, to: string) {
  return sql<Source>`
    select kind::text as kind, issued_on as date, total_cents as cents, number, null::text as method
      from invoices where household_id = ${a.householdId} and regie_id = ${a.regieId} and issued_on <= ${to}
    union all
    select 'payment', p.received_on, p.amount_cents, i.number, p.method::text
      from payments p join invoices i on i.id = p.invoice_id
      where p.household_id = ${a.householdId} and p.regie_id = ${a.regieId} and p.received_on <= ${to}
    union all
    select 'refund', paid_on, amount_cents, null, null from refunds
      where household_id = ${a.householdId} and regie_id = ${a.regieId} and state = 'paid' and paid_on <= ${to}`.execute(
    trx,
  );
}

/** An invoice or a refund (the credit leaves the account) is a debit; an avoir or a payment, a credit. */
function toOperation(s: Source): Operation {
  const cents = Number(s.cents);
  const debit = s.kind === "invoice" || s.kind === "refund";
  return {
    date: s.date,
    label: labelOf(s),
    kind: s.kind,
    debitCents: debit ? cents : 0,
    creditCents: debit ? 0 : cents,
  };
}

function labelOf(s: Source): string {
  if (s.kind === "invoice") return `Facture ${s.number}`;
  if (s.kind === "credit_note") return `Avoir ${s.number}`;
  if (s.kind === "payment")
    return `Règlement ${METHOD_LABELS[s.method as PaymentMethod]} – facture ${s.number}`;
  return "Remboursement d'avoir par virement";
}

export const METHOD_LABELS = {
  cheque: "par chèque",
  especes: "en espèces",
  cesu: "par CESU",
  virement: "par virement",
  payfip_card: "en ligne par carte",
  payfip_debit: "en ligne par prélèvement",
} as const;
