import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

export interface Actor {
  /** "system": a job acting for nobody in particular (a PayFiP result, a basket expiry). */
  kind: "parent" | "staff" | "operator" | "system";
  userId: string;
}

/** One audited write: what, on which entity, which fields (never their values). */
export interface AuditEntry {
  householdId: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  fields: string[];
}

/**
 * Every write of the household file: who, when, what, which fields — never the values
 * (health and bank data must not leak into an audit trail).
 */
export async function recordWrite(trx: Trx, tenantId: string, actor: Actor, e: AuditEntry): Promise<void> {
  await recordWrites(trx, tenantId, actor, [e]);
}

/**
 * The first and last name of whoever a `*_by` column names, from the left-joined `users`
 * alias: a town user, or an operator writing in a support entry (« Support Parvis (…) »).
 */
export function actorNames(usersAlias: string, idColumn: string) {
  const first = sql.ref(`${usersAlias}.first_name`);
  const last = sql.ref(`${usersAlias}.last_name`);
  return [
    sql<string | null>`coalesce(${first}, app.support_name(${sql.ref(idColumn)}))`.as("first_name"),
    sql<string | null>`case when ${first} is null then '' else ${last} end`.as("last_name"),
  ] as const;
}

/** recordWrite for many entities of one action batch (a bulk decision), in one statement. */
export async function recordWrites(
  trx: Trx,
  tenantId: string,
  actor: Actor,
  entries: AuditEntry[],
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
