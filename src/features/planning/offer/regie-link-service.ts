import type { Trx } from "../../../db/database.ts";

/**
 * Which régie bills a service. Billing chooses (its settings, a town's provisioning); the row
 * is planning's, so the write is here (architecture §9: one owner per table).
 */

/** The services named by `keys` that no régie bills yet are billed by `regieId`; how many moved. */
export async function linkServicesToRegie(trx: Trx, regieId: string, keys: string[]): Promise<number> {
  if (!keys.length) return 0;
  const moved = await trx
    .updateTable("services")
    .set({ regie_id: regieId })
    .where("key", "in", keys)
    .where("regie_id", "is", null)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows);
}

/** The services `regieId` bills but `keys` does not name are billed by no régie; how many moved. */
export async function unlinkServicesFromRegie(trx: Trx, regieId: string, keys: string[]): Promise<number> {
  const moved = await trx
    .updateTable("services")
    .set({ regie_id: null })
    .where("regie_id", "=", regieId)
    .$if(keys.length > 0, (q) => q.where("key", "not in", keys))
    .executeTakeFirst();
  return Number(moved.numUpdatedRows);
}
