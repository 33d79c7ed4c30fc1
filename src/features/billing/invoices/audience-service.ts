import { type RawBuilder, sql } from "kysely";

/**
 * Households with an invoice left to pay through the town (not handed to the Treasury), for
 * a broadcast's audience (issue 14): the same rule as « Factures impayées ».
 */
export function unpaidHouseholds(): RawBuilder<unknown> {
  return sql`select i.household_id from invoices i
    where i.kind = 'invoice' and i.treasury_ref is null
      and i.total_cents > coalesce((select sum(p.amount_cents) from payments p where p.invoice_id = i.id), 0)
        + coalesce((select sum(c.total_cents) from invoices c where c.credited_invoice_id = i.id), 0)`;
}
