import { sql } from "kysely";
import type { Trx } from "../db/database.ts";

/**
 * The next number of a town's counter (« N° dossier », invoice numbers): one upsert that
 * locks the counter row until commit, so numbers follow each other without gaps. Take it
 * last in a transaction to keep the lock short.
 */
export async function nextNumber(trx: Trx, tenantId: string, name: string, start = 1): Promise<string> {
  const row = await trx
    .insertInto("counters")
    .values({ tenant_id: tenantId, name, value: start })
    .onConflict((oc) => oc.columns(["tenant_id", "name"]).doUpdateSet({ value: sql`counters.value + 1` }))
    .returning("value")
    .executeTakeFirstOrThrow();
  return String(row.value);
}

/** `count` consecutive numbers of a town's counter in one upsert: the first of them. */
export async function nextNumbers(
  trx: Trx,
  tenantId: string,
  name: string,
  count: number,
  start = 1,
): Promise<number> {
  const row = await trx
    .insertInto("counters")
    .values({ tenant_id: tenantId, name, value: start + count - 1 })
    .onConflict((oc) =>
      oc.columns(["tenant_id", "name"]).doUpdateSet({ value: sql`counters.value + ${count}` }),
    )
    .returning("value")
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}
