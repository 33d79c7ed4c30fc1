import type { HealthAccessLogTable } from "../../db/auth-types.ts";
import type { Trx } from "../../db/database.ts";

export type Access = HealthAccessLogTable["what"];
/** Who saw, and what: the columns every row of one viewing shares. */
export type Viewer = Pick<HealthAccessLogTable, "tenant_id" | "viewer_id" | "viewer_name" | "what">;

/** One row per child seen, in one statement (a day's « pointage » sees hundreds at once). */
export async function insertMany(trx: Trx, viewer: Viewer, seen: { householdId: string; childId: string }[]) {
  if (seen.length === 0) return;
  await trx
    .insertInto("health_access_log")
    .values(seen.map((v) => ({ ...viewer, household_id: v.householdId, child_id: v.childId })))
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
