import type { SessionUser } from "../../auth/sessions.ts";
import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { unpaidInvoices } from "../billing/invoices/invoices-service.ts";
import { actionsFor } from "./actions.ts";
import { recordVisit } from "./visits.ts";

/**
 * The household a parent belongs to, through the parent's own RLS fence, and, in a town that
 * invoices, its unpaid invoices (« Factures impayées »), with what needs the family now
 * (« À faire »), in the same transaction, which also records this visit.
 */
export async function householdOf(trx: Trx, tenant: Tenant, s: SessionUser, now: Date) {
  const invoicing = tenant.config.billing.regies.length > 0;
  const household = await trx
    .selectFrom("households")
    .select(["id", "name", "number"])
    .executeTakeFirstOrThrow();
  const unpaid = invoicing ? await unpaidInvoices(trx, s.householdId as string) : [];
  const since = await recordVisit(trx, s, now);
  return { ...household, unpaid, actions: await actionsFor(trx, tenant, now, unpaid, since) };
}
