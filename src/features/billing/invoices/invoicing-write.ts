import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { HouseholdBill } from "../pricing/billable.ts";

/** What the invoices of a run share. */
export interface RunHeader {
  tenantId: string;
  regieId: string;
  runId: string;
  month: string;
  prefix: string;
  issuedOn: string;
  dueOn: string;
}

export interface IssuedInvoice {
  invoiceId: string;
  householdId: string;
  number: string;
  totalCents: number;
}

/**
 * The run's invoices in one statement, numbered from `firstSeq` in the households' order
 * (the caller took the numbers from the régie's counter in the same transaction: no gap).
 */
export async function insertInvoices(
  trx: Trx,
  run: RunHeader,
  households: HouseholdBill[],
  firstSeq: number,
): Promise<IssuedInvoice[]> {
  const issued = households.map((h, i) => ({
    invoiceId: randomUUID(),
    householdId: h.householdId,
    number: `${run.prefix}${firstSeq + i}`,
    totalCents: h.totalCents,
  }));
  await sql`
    insert into invoices (tenant_id, id, regie_id, household_id, kind, seq, number, month, run_id,
      issued_on, due_on, total_cents)
    select ${run.tenantId}::uuid, u.id, ${run.regieId}::uuid, u.household_id, 'invoice',
      ${firstSeq}::bigint + u.ord - 1, u.number, ${`${run.month}-01`}::date, ${run.runId}::uuid,
      ${run.issuedOn}::date, ${run.dueOn}::date, u.total_cents
    from unnest(${issued.map((i) => i.invoiceId)}::uuid[], ${issued.map((i) => i.householdId)}::uuid[],
      ${issued.map((i) => i.number)}::text[], ${issued.map((i) => i.totalCents)}::bigint[])
      with ordinality as u(id, household_id, number, total_cents, ord)`.execute(trx);
  return issued;
}

/** Every line of the run's invoices in one statement, in each invoice's order. */
export async function insertLines(
  trx: Trx,
  tenantId: string,
  households: HouseholdBill[],
  issued: IssuedInvoice[],
): Promise<void> {
  const cols = {
    invoice: [] as string[],
    household: [] as string[],
    booking: [] as string[],
    child: [] as string[],
    day: [] as string[],
    label: [] as string[],
    quantity: [] as number[],
    unit: [] as number[],
    position: [] as number[],
  };
  households.forEach((h, i) => {
    const invoiceId = (issued[i] as IssuedInvoice).invoiceId;
    h.lines.forEach((l, position) => {
      cols.invoice.push(invoiceId);
      cols.household.push(h.householdId);
      cols.booking.push(l.bookingId);
      cols.child.push(l.childId);
      cols.day.push(l.day);
      cols.label.push(l.label);
      cols.quantity.push(l.quantity);
      cols.unit.push(l.unitCents);
      cols.position.push(position);
    });
  });
  await sql`
    insert into invoice_lines (tenant_id, invoice_id, household_id, booking_id, child_id, day, label,
      quantity, unit_cents, amount_cents, position)
    select ${tenantId}::uuid, u.invoice_id, u.household_id, u.booking_id, u.child_id, u.day, u.label,
      u.quantity, u.unit_cents, u.quantity * u.unit_cents, u.position
    from unnest(${cols.invoice}::uuid[], ${cols.household}::uuid[], ${cols.booking}::uuid[],
      ${cols.child}::uuid[], ${cols.day}::date[], ${cols.label}::text[], ${cols.quantity}::int[],
      ${cols.unit}::bigint[], ${cols.position}::int[])
      as u(invoice_id, household_id, booking_id, child_id, day, label, quantity, unit_cents, position)`.execute(
    trx,
  );
}
