import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";

/** What the invoices issued together share (a run's, a basket's, a credit note's). */
export interface IssueHeader {
  tenantId: string;
  regieId: string;
  kind: "invoice" | "credit_note";
  /** The billed month's first day, or null. */
  month: string | null;
  runId: string | null;
  issuedOn: string;
  dueOn: string | null;
}

export interface InvoiceRow {
  id: string;
  householdId: string;
  seq: number;
  number: string;
  totalCents: number;
  creditedInvoiceId: string | null;
  treasuryCorrection: string | null;
  treasuryCorrectionRef: string | null;
}

/** What an invoice line says: the child and day it bills, its label, quantity and prices. */
export interface LineFields {
  childId: string | null;
  day: string | null;
  label: string;
  quantity: number;
  unitCents: number;
  amountCents: number;
}

export interface LineRow extends LineFields {
  invoiceId: string;
  householdId: string;
  bookingId: string | null;
  creditsLineId: string | null;
  position: number;
}

const col = <T, K extends keyof T>(rows: T[], key: K) => rows.map((r) => r[key]);

/** The invoices in one statement, whatever their number. */
export async function insertInvoices(trx: Trx, h: IssueHeader, rows: InvoiceRow[]): Promise<void> {
  await sql`
    insert into invoices (tenant_id, id, regie_id, household_id, kind, seq, number, month, run_id,
      credited_invoice_id, issued_on, due_on, total_cents, treasury_correction, treasury_correction_ref)
    select ${h.tenantId}::uuid, u.id, ${h.regieId}::uuid, u.household_id, ${h.kind}::text, u.seq, u.number,
      ${h.month}::date, ${h.runId}::uuid, u.credited, ${h.issuedOn}::date, ${h.dueOn}::date, u.total_cents,
      u.correction, u.correction_ref
    from unnest(${col(rows, "id")}::uuid[], ${col(rows, "householdId")}::uuid[], ${col(rows, "seq")}::bigint[],
      ${col(rows, "number")}::text[], ${col(rows, "creditedInvoiceId")}::uuid[],
      ${col(rows, "totalCents")}::bigint[], ${col(rows, "treasuryCorrection")}::text[],
      ${col(rows, "treasuryCorrectionRef")}::text[])
      as u(id, household_id, seq, number, credited, total_cents, correction, correction_ref)`.execute(trx);
}

/** Every line of the invoices in one statement, each at its position on its invoice. */
export async function insertLines(trx: Trx, tenantId: string, rows: LineRow[]): Promise<void> {
  await sql`
    insert into invoice_lines (tenant_id, invoice_id, household_id, booking_id, credits_line_id, child_id,
      day, label, quantity, unit_cents, amount_cents, position)
    select ${tenantId}::uuid, u.invoice_id, u.household_id, u.booking_id, u.credits_line_id, u.child_id,
      u.day, u.label, u.quantity, u.unit_cents, u.amount_cents, u.position
    from unnest(${col(rows, "invoiceId")}::uuid[], ${col(rows, "householdId")}::uuid[],
      ${col(rows, "bookingId")}::uuid[], ${col(rows, "creditsLineId")}::uuid[], ${col(rows, "childId")}::uuid[],
      ${col(rows, "day")}::date[], ${col(rows, "label")}::text[], ${col(rows, "quantity")}::int[],
      ${col(rows, "unitCents")}::bigint[], ${col(rows, "amountCents")}::bigint[], ${col(rows, "position")}::int[])
      as u(invoice_id, household_id, booking_id, credits_line_id, child_id, day, label, quantity, unit_cents,
        amount_cents, position)`.execute(trx);
}
