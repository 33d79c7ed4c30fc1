import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/** The town's staff accounts (never the parents'). */
const staffRows = (trx: Trx) => trx.selectFrom("users").where("kind", "=", "staff");

/** What the team pages show of an account. */
const STAFF_COLUMNS = ["id", "first_name", "last_name", "email", "staff_role", "disabled_at"] as const;

/** The town's staff accounts, active first, then by name. */
export function listStaff(trx: Trx) {
  return staffRows(trx)
    .select([...STAFF_COLUMNS, "created_at", sql<boolean>`password_hash is not null`.as("activated")])
    .orderBy(sql`disabled_at is not null`)
    .orderBy("last_name")
    .orderBy("first_name")
    .execute();
}

export function findStaff(trx: Trx, id: string) {
  return staffRows(trx)
    .select([...STAFF_COLUMNS, "password_hash"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function staffEmailTaken(trx: Trx, email: string): Promise<boolean> {
  return !!(await staffRows(trx).select("id").where("email", "=", email).executeTakeFirst());
}

/** The team's history: who changed which account, when (newest first). */
export function history(trx: Trx, limit = 30) {
  return trx
    .selectFrom("audit_log as a")
    .leftJoin("users as actor", (j) =>
      j.onRef("actor.tenant_id", "=", "a.tenant_id").onRef("actor.id", "=", "a.actor_id"),
    )
    .leftJoin("users as target", (j) =>
      j.onRef("target.tenant_id", "=", "a.tenant_id").onRef("target.id", "=", "a.entity_id"),
    )
    .select([
      "a.at",
      "a.action",
      "a.actor_kind",
      "actor.first_name as actor_first",
      "actor.last_name as actor_last",
      "target.first_name as target_first",
      "target.last_name as target_last",
    ])
    .where("a.entity", "=", "staff_user")
    .orderBy("a.at", "desc")
    .limit(limit)
    .execute();
}
