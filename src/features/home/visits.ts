import { sql } from "kysely";
import type { SessionUser } from "../../auth/sessions.ts";
import type { Trx } from "../../db/database.ts";

/**
 * Records that the parent looks at the home page now and returns when their previous visit
 * last did (null on the very first one). A visit is one session: while it lasts, reloading
 * the page keeps the same answer, so what was new at its start stays shown until it ends.
 * One statement, so two tabs opening at once cannot both start a visit.
 */
export async function recordVisit(trx: Trx, s: SessionUser, now: Date): Promise<Date | null> {
  const row = await trx
    .insertInto("home_visits")
    .values({
      tenant_id: sql<string>`(select app.tenant_id())`,
      user_id: s.userId,
      household_id: s.householdId as string,
      session_key: s.sessionId,
      since: null,
      seen_at: now,
    })
    .onConflict((oc) =>
      oc.columns(["tenant_id", "user_id"]).doUpdateSet({
        since: sql<Date | null>`case when home_visits.session_key = excluded.session_key
          then home_visits.since else home_visits.seen_at end`,
        session_key: (eb) => eb.ref("excluded.session_key"),
        seen_at: (eb) => eb.ref("excluded.seen_at"),
      }),
    )
    .returning("since")
    .executeTakeFirstOrThrow();
  return row.since;
}
