import { sql } from "kysely";
import type { Trx } from "../db/database.ts";

/** Login journal rows older than `before` go (the town's retention); how many. */
export async function purgeAuthEvents(trx: Trx, before: Date): Promise<number> {
  const result = await trx.deleteFrom("auth_events").where("at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A household's parent accounts are closed at once: disabled, their sessions ended. */
export async function disableHouseholdAccounts(trx: Trx, householdId: string): Promise<void> {
  const users = await trx
    .updateTable("users")
    .set({ disabled_at: sql`now()` })
    .where("household_id", "=", householdId)
    .where("kind", "=", "parent")
    .returning("id")
    .execute();
  const ids = users.map((u) => u.id);
  if (ids.length) await trx.deleteFrom("sessions").where("user_id", "in", ids).execute();
}

/** A household's accounts name no one and open nothing any more; sessions and devices go. */
export async function eraseHouseholdAccounts(trx: Trx, householdId: string): Promise<void> {
  const users = trx.selectFrom("users").select("id").where("household_id", "=", householdId);
  await trx.deleteFrom("sessions").where("user_id", "in", users).execute();
  await trx.deleteFrom("known_devices").where("user_id", "in", users).execute();
  await trx
    .updateTable("users")
    .set({ email: null, password_hash: null, first_name: "–", last_name: "–" })
    // An account needs an e-mail or an identifiant: one that names no one and opens nothing.
    .set({ login: sql`'efface-' || id::text`, disabled_at: sql`coalesce(disabled_at, now())` })
    .where("household_id", "=", householdId)
    .execute();
}
