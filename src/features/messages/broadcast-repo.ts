import { type Insertable, type RawBuilder, sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { BroadcastsTable } from "../../db/messages-types.ts";
import { actorNames } from "../audit/service.ts";

/** How many distinct households an audience names. */
export async function countHouseholds(trx: Trx, households: RawBuilder<unknown>): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from households where id in (${households})`.execute(trx);
  return r.rows[0]?.n ?? 0;
}

/** A broadcast as stored; its recipients are counted when it is delivered. */
export async function insertBroadcast(trx: Trx, row: Insertable<BroadcastsTable>): Promise<string> {
  const { id } = await trx.insertInto("broadcasts").values(row).returning("id").executeTakeFirstOrThrow();
  return id;
}

/**
 * One conversation and its first message for every household of the audience, in a single
 * set-based statement: 5,000 households are one round trip, not 5,000.
 */
export async function deliver(
  trx: Trx,
  d: {
    tenantId: string;
    broadcastId: string;
    userId: string;
    subject: string;
    service: string;
    body: string;
  },
  households: RawBuilder<unknown>,
): Promise<number> {
  const r = await sql`
    with threads as (
      insert into message_threads
        (tenant_id, household_id, subject, service, started_by, broadcast_id, status, last_town_at, last_at)
      select ${d.tenantId}::uuid, h.id, ${d.subject}, ${d.service}, 'town', ${d.broadcastId}::uuid, 'handled', now(), now()
      from households h where h.id in (${households})
      returning id, household_id
    )
    insert into messages (tenant_id, household_id, thread_id, author, author_user_id, body)
    select ${d.tenantId}::uuid, household_id, id, 'town', ${d.userId}::uuid, ${d.body} from threads`.execute(
    trx,
  );
  const n = Number(r.numAffectedRows ?? 0);
  await trx.updateTable("broadcasts").set({ recipients: n }).where("id", "=", d.broadcastId).execute();
  return n;
}

/** The households a broadcast reached, for its e-mail notice. */
export const reachedBy = (broadcastId: string) =>
  sql`select household_id from message_threads where broadcast_id = ${broadcastId}::uuid`;

/** The town's broadcasts, newest first, with how many households opened each. */
export function list(trx: Trx, limit = 50) {
  return trx
    .selectFrom("broadcasts as b")
    .leftJoin("users as u", "u.id", "b.created_by")
    .select([
      "b.id",
      "b.subject",
      "b.audience",
      "b.recipients",
      "b.created_at",
      ...actorNames("u", "b.created_by"),
      sql<number>`(select count(distinct t.id)::int from message_threads t join messages m on m.thread_id = t.id
        where t.broadcast_id = b.id and m.author = 'town' and m.read_at is not null)`.as("read"),
    ])
    .orderBy("b.created_at", "desc")
    .limit(limit)
    .execute();
}
