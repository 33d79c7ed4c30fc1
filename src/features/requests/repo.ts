import type { Trx } from "../../db/database.ts";

/** The household's requests created since `since`, newest first (RLS fences parents to their own). */
export function householdRequests(trx: Trx, householdId: string, since: Date) {
  return trx
    .selectFrom("change_requests")
    .selectAll()
    .where("household_id", "=", householdId)
    .where("created_at", ">=", since)
    .orderBy("created_at", "desc")
    .execute();
}

/** The town's pending requests, oldest first, with their household's name and number. */
export function townPending(trx: Trx) {
  return trx
    .selectFrom("change_requests as r")
    .innerJoin("households as h", "h.id", "r.household_id")
    .selectAll("r")
    .select(["h.name as household_name", "h.number as household_number"])
    .where("r.status", "=", "pending")
    .orderBy("r.created_at")
    .orderBy("r.id")
    .execute();
}
