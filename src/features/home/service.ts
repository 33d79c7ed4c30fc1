import type { SessionUser } from "../../auth/sessions.ts";
import type { Database } from "../../db/database.ts";
import { unpaidInvoices } from "../billing/invoices-view.ts";

/**
 * The household a parent belongs to, through the parent's own RLS fence, and, in a town that
 * invoices, its unpaid invoices (« Factures impayées ») in the same transaction.
 */
export function householdOf(db: Database, tenantId: string, s: SessionUser, invoicing = false) {
  return db.withTenant(
    { role: "app_parent", tenantId, userId: s.userId, householdId: s.householdId },
    async (trx) => ({
      ...(await trx.selectFrom("households").select(["id", "name", "number"]).executeTakeFirstOrThrow()),
      unpaid: invoicing ? await unpaidInvoices(trx, s.householdId as string) : [],
    }),
  );
}
