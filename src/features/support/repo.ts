import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/** Operator context: a new entry, waiting for its one-time link to be opened on the town's host. */
export function insertEntry(
  trx: Trx,
  v: {
    operatorId: string;
    operatorName: string;
    tenantId: string;
    entryToken: string;
    write: boolean;
    reason: string | null;
    expiresAt: Date;
  },
) {
  return trx
    .insertInto("support_entries")
    .values({
      operator_id: v.operatorId,
      operator_name: v.operatorName,
      target_tenant_id: v.tenantId,
      entry_token: v.entryToken,
      write: v.write,
      reason: v.reason,
      expires_at: v.expiresAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/** Town context (app_auth): the link is spent, the entry gets its session token. */
export function openEntry(trx: Trx, entryToken: string, sessionToken: string) {
  return trx
    .updateTable("support_entries")
    .set({ entry_token: null, session_token: sessionToken })
    .where("entry_token", "=", entryToken)
    .where("expires_at", ">", sql<Date>`now()`)
    .where("ended_at", "is", null)
    .returning(["id", "operator_id"])
    .executeTakeFirst();
}

export function liveEntry(trx: Trx, sessionToken: string) {
  return trx
    .selectFrom("support_entries")
    .select(["id", "operator_id", "operator_name", "write", "expires_at"])
    .where("session_token", "=", sessionToken)
    .where("expires_at", ">", sql<Date>`now()`)
    .where("ended_at", "is", null)
    .executeTakeFirst();
}

export function endEntry(trx: Trx, sessionToken: string) {
  return trx
    .updateTable("support_entries")
    .set({ ended_at: sql`now()` })
    .where("session_token", "=", sessionToken)
    .where("ended_at", "is", null)
    .returning(["operator_id"])
    .executeTakeFirst();
}

/** Staff context: the town's support entries and what was viewed, newest first. */
export async function history(trx: Trx) {
  const entries = await trx
    .selectFrom("support_entries")
    .select(["operator_name", "write", "reason", "created_at", "expires_at", "ended_at"])
    .orderBy("created_at", "desc")
    .limit(50)
    .execute();
  const events = await trx
    .selectFrom("platform_audit as a")
    .select([
      "a.at",
      "a.event",
      "a.detail",
      (eb) =>
        eb
          .selectFrom("support_entries as s")
          .select("s.operator_name")
          .whereRef("s.operator_id", "=", "a.operator_id")
          .limit(1)
          .as("operator_name"),
    ])
    .orderBy("a.at", "desc")
    .limit(200)
    .execute();
  return { entries, events };
}
