import type { Trx } from "../../db/database.ts";

/** Health-data access journal rows older than `before` go (the town's retention); how many. */
export async function purgeHealthAccessLog(trx: Trx, before: Date): Promise<number> {
  const result = await trx.deleteFrom("health_access_log").where("at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
