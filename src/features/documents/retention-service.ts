import type { Trx } from "../../db/database.ts";

/** An erased household's documents go, files and all. */
export async function eraseHouseholdDocuments(trx: Trx, householdId: string): Promise<void> {
  await trx.deleteFrom("documents").where("household_id", "=", householdId).execute();
}
