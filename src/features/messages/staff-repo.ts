import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import { threadsWithHousehold, unreadOf } from "./repo.ts";
import type { StaffFilter } from "./schemas.ts";

const hasUnread = sql<boolean>`exists (select 1 from messages m where m.thread_id = t.id and m.author = 'parent' and m.read_at is null)`;

/** « Messagerie »: the town's conversations a household wrote in, filtered, latest first. */
export function listThreads(trx: Trx, f: StaffFilter, limit = 100) {
  let q = threadsWithHousehold(trx)
    .leftJoin("users as a", "a.id", "t.assigned_to")
    .select(["t.last_at", "a.first_name as assignee_first", "a.last_name as assignee_last"])
    .select(unreadOf("parent").as("unread"))
    .where("t.last_parent_at", "is not", null);
  if (f.service) q = q.where("t.service", "=", f.service);
  if (f.etat === "non_lu") q = q.where(hasUnread);
  if (f.etat === "a_traiter") q = q.where("t.status", "=", "to_handle");
  if (f.etat === "traite") q = q.where("t.status", "=", "handled");
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, "\\$&")}%`;
    q = q.where((eb) =>
      eb.or([
        eb("h.name", "ilike", like),
        eb("h.number", "=", f.q as string),
        eb("t.subject", "ilike", like),
        eb.exists(
          eb
            .selectFrom("messages as m")
            .select(sql`1`.as("one"))
            .whereRef("m.thread_id", "=", "t.id")
            .where("m.body", "ilike", like),
        ),
      ]),
    );
  }
  return q.orderBy("t.last_at", "desc").limit(limit).execute();
}

/** The back-office home's counts: conversations with an unread message, and to handle. */
export function counts(trx: Trx) {
  return trx
    .selectFrom("message_threads as t")
    .select([
      sql<number>`count(*) filter (where ${hasUnread})::int`.as("unread"),
      sql<number>`count(*) filter (where t.status = 'to_handle')::int`.as("toHandle"),
    ])
    .where("t.last_parent_at", "is not", null)
    .executeTakeFirstOrThrow();
}

export async function update(
  trx: Trx,
  id: string,
  set: { status: "to_handle" | "handled" } | { assigned_to: string },
): Promise<void> {
  await trx.updateTable("message_threads").set(set).where("id", "=", id).execute();
}

/**
 * Where the e-mail notice goes: each account of the households a query yields whose
 * guardian said yes to « Autorisation courriel ».
 */
export function noticeAddresses(households: RawBuilder<unknown>): RawBuilder<{ address: string }> {
  return sql<{ address: string }>`
    select distinct coalesce(u.email, g.email) as address
    from guardians g left join users u on u.id = g.user_id
    where g.consent_email and coalesce(u.email, g.email) is not null
      and g.household_id in (${households})`;
}
