import type { HealthAccessLogTable } from "../../db/auth-types.ts";
import type { Trx } from "../../db/database.ts";

export type Access = HealthAccessLogTable["what"];

export async function insert(
  trx: Trx,
  row: {
    tenantId: string;
    householdId: string;
    childId: string;
    viewerId: string;
    viewerName: string;
    what: Access;
  },
) {
  await trx
    .insertInto("health_access_log")
    .values({
      tenant_id: row.tenantId,
      household_id: row.householdId,
      child_id: row.childId,
      viewer_id: row.viewerId,
      viewer_name: row.viewerName,
      what: row.what,
    })
    .execute();
}

/** A child's entries, newest first (RLS keeps a parent to their household). */
export function forChild(trx: Trx, childId: string) {
  return trx
    .selectFrom("health_access_log")
    .select(["viewer_name", "what", "at"])
    .where("child_id", "=", childId)
    .orderBy("at", "desc")
    .limit(500)
    .execute();
}

export function childName(trx: Trx, householdId: string, childId: string) {
  return trx
    .selectFrom("children")
    .select(["first_name", "last_name"])
    .where("household_id", "=", householdId)
    .where("id", "=", childId)
    .executeTakeFirst();
}
