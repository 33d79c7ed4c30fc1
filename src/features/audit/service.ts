import type { Trx } from "../../db/database.ts";

export interface Actor {
  /** "system": a job acting for nobody in particular (a PayFiP result, a basket expiry). */
  kind: "parent" | "staff" | "operator" | "system";
  userId: string;
}

/**
 * Every write of the household file: who, when, what, which fields — never the values
 * (health and bank data must not leak into an audit trail).
 */
export async function recordWrite(
  trx: Trx,
  tenantId: string,
  actor: Actor,
  e: {
    householdId: string | null;
    action: string;
    entity: string;
    entityId: string | null;
    fields: string[];
  },
): Promise<void> {
  await trx
    .insertInto("audit_log")
    .values({
      tenant_id: tenantId,
      household_id: e.householdId,
      actor_id: actor.userId,
      actor_kind: actor.kind,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId,
      fields: e.fields,
    })
    .execute();
}

/** recordWrite for many entities of one action batch (a bulk decision), in one statement. */
export async function recordWrites(
  trx: Trx,
  tenantId: string,
  actor: Actor,
  entries: {
    householdId: string | null;
    action: string;
    entity: string;
    entityId: string;
    fields: string[];
  }[],
): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto("audit_log")
    .values(
      entries.map((e) => ({
        tenant_id: tenantId,
        household_id: e.householdId,
        actor_id: actor.userId,
        actor_kind: actor.kind,
        action: e.action,
        entity: e.entity,
        entity_id: e.entityId,
        fields: e.fields,
      })),
    )
    .execute();
}
