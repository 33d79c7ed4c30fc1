import type { Trx } from "../../db/database.ts";

const requests = (trx: Trx) => trx.selectFrom("change_requests as r").selectAll("r");

/** The household's requests created since `since`, newest first (RLS fences parents to their own). */
export function householdRequests(trx: Trx, householdId: string, since: Date) {
  return requests(trx)
    .where("r.household_id", "=", householdId)
    .where("r.created_at", ">=", since)
    .orderBy("r.created_at", "desc")
    .execute();
}

/** The pending request of a section of the household, on that target (or on none). */
export function pendingOfSection(trx: Trx, householdId: string, section: string, targetId: string | null) {
  return requests(trx)
    .where("r.household_id", "=", householdId)
    .where("r.section", "=", section)
    .where((eb) => (targetId ? eb("r.target_id", "=", targetId) : eb("r.target_id", "is", null)))
    .where("r.status", "=", "pending")
    .executeTakeFirst();
}

/** Locks one request for a decision. */
export function lockRequest(trx: Trx, id: string) {
  return requests(trx).where("r.id", "=", id).forUpdate().executeTakeFirst();
}

/** The town's pending requests, oldest first, with their household's name and number. */
export function townPending(trx: Trx) {
  return requests(trx)
    .innerJoin("households as h", "h.id", "r.household_id")
    .select(["h.name as household_name", "h.number as household_number"])
    .where("r.status", "=", "pending")
    .orderBy("r.created_at")
    .orderBy("r.id")
    .execute();
}
