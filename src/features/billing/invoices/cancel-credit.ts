import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { parisToday } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import { billedDays } from "../pricing/billable.ts";
import { createCreditNote } from "./credit-service.ts";

/**
 * A day cancelled free of charge after it was invoiced (paid at booking, or billed by a
 * run) is credited at once: one credit note per invoice, of the lines of those days not yet
 * credited. A day on an invoice handed to the Treasury is left to the Treasury's correction
 * (« Contrôle des comptes » lists it). Returns the credit notes' numbers.
 */
export async function creditCancelledDays(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  bookingIds: string[],
  now: Date,
): Promise<string[]> {
  if (bookingIds.length === 0) return [];
  const lines = await billedDays(trx)
    .innerJoin("invoices as i", "i.id", "l.invoice_id")
    .select(["l.id", "l.invoice_id"])
    .where("l.booking_id", "in", bookingIds)
    .where("b.status", "=", "cancelled")
    .where("b.late_cancel", "=", false)
    .where("i.kind", "=", "invoice")
    .where("i.treasury_ref", "is", null)
    .where(sql<boolean>`not exists (select 1 from invoice_lines c where c.credits_line_id = l.id)`)
    .orderBy("l.invoice_id")
    .orderBy("l.position")
    .execute();
  const byInvoice = new Map<string, string[]>();
  for (const l of lines) byInvoice.set(l.invoice_id, [...(byInvoice.get(l.invoice_id) ?? []), l.id]);
  const numbers: string[] = [];
  for (const [invoiceId, lineIds] of byInvoice) {
    const credit = await createCreditNote(trx, tenant, actor, invoiceId, { lineIds }, parisToday(now));
    numbers.push(credit.number);
  }
  return numbers;
}
