import type { Trx } from "../../db/database.ts";

/** Invoices (joined as « i ») with their régie (« r »): callers choose the columns and the rows. */
export const invoicesWithRegie = (trx: Trx) =>
  trx.selectFrom("invoices as i").innerJoin("regies as r", "r.id", "i.regie_id");
