import type { Trx } from "../../db/database.ts";

/** A job's own trail (the retention): actor « system », no person, never a value. */
export async function recordSystemWrite(
  trx: Trx,
  tenantId: string,
  e: { householdId: string | null; action: string; entity: string; fields: string[] },
): Promise<void> {
  await trx
    .insertInto("audit_log")
    .values({
      tenant_id: tenantId,
      household_id: e.householdId,
      actor_id: null,
      actor_kind: "system",
      action: e.action,
      entity: e.entity,
      entity_id: e.householdId,
      fields: e.fields,
    })
    .execute();
}

/** Audit rows older than `before` go (the town's retention); how many. */
export async function purgeAuditLog(trx: Trx, before: Date): Promise<number> {
  const result = await trx.deleteFrom("audit_log").where("at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
