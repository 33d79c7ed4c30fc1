import type { SessionUser } from "../../auth/sessions.ts";
import type { Database } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import * as myDataRepo from "./repo.ts";

/** « Mes données »: everything the town holds on the household, as the parent sees it through RLS. */
export async function exportHousehold(db: Database, tenant: Tenant, s: SessionUser, now: Date) {
  if (!s.householdId) throw notFound();
  const ctx = {
    role: "app_parent" as const,
    tenantId: tenant.id,
    userId: s.userId,
    householdId: s.householdId,
  };
  const data = await db.withTenant(ctx, (trx) => myDataRepo.householdData(trx));
  return {
    format: "parvis-mes-donnees/1",
    exportedAt: now.toISOString(),
    controller: { name: tenant.config.name, contact: tenant.config.contact },
    data,
  };
}
