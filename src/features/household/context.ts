import type { SessionUser } from "../../auth/sessions.ts";
import { notFound } from "../../http/errors.ts";
import type { Tenant } from "../../tenancy/resolve.ts";

/** The session's household: the only one these pages ever read or write. */
export const householdOf = (s: SessionUser): string => {
  if (!s.householdId) throw notFound();
  return s.householdId;
};

/** Every query of these pages runs as the parent, fenced to that household. */
export const parentCtx = (tenant: Tenant, s: SessionUser) => ({
  role: "app_parent" as const,
  tenantId: tenant.id,
  userId: s.userId,
  householdId: householdOf(s),
});
