import type { SessionUser } from "../../auth/sessions.ts";
import type { Database } from "../../db/database.ts";

/** The household a parent belongs to, through the parent's own RLS fence. */
export function householdOf(db: Database, tenantId: string, s: SessionUser) {
  return db.withTenant(
    { role: "app_parent", tenantId, userId: s.userId, householdId: s.householdId },
    (trx) => trx.selectFrom("households").select(["id", "name", "number"]).executeTakeFirstOrThrow(),
  );
}
