import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";

/** Invoices (joined as « i ») with their régie (« r »): callers choose the columns and the rows. */
export const invoicesWithRegie = (trx: Trx) =>
  trx.selectFrom("invoices as i").innerJoin("regies as r", "r.id", "i.regie_id");

/** The invoice (not an avoir) of this id, locked for a write, and how its régie collects; 404 otherwise. */
export async function invoiceForUpdate(trx: Trx, id: string) {
  const invoice = await invoicesWithRegie(trx)
    .select(["i.id", "i.kind", "i.regie_id", "i.household_id", "i.treasury_ref", "r.collection"])
    .where("i.id", "=", id)
    .forUpdate("i")
    .executeTakeFirst();
  if (invoice?.kind !== "invoice") throw notFound();
  return invoice;
}
