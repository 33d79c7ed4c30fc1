import { randomUUID } from "node:crypto";
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { TenantContext, Trx } from "../../src/db/database.ts";
import type { DB } from "../../src/db/types.ts";
import { type TestDatabase, tenantId } from "./db.ts";

/** What PostgreSQL says when a row fails a policy's WITH CHECK. */
export const RLS_ERROR = /new row violates row-level security policy/;
export const SESS_A = "rls-session-a";
export const SESS_B = "rls-session-b";
export const TOK_A = "rls-token-a";
export const TOK_B = "rls-token-b";
export const THROTTLE = "acct:rls@sene.test";
export const later = () => new Date(Date.now() + 3_600_000);

export interface RlsFixture {
  sene: string;
  plomb: string;
  ids: Record<"hA" | "hB" | "parentA" | "parentB" | "staff" | "event" | "outbox", string>;
}

const ROLLBACK = new Error("rollback");
/** Runs fn in a context and rolls back whatever it wrote; returns fn's result. */
export async function dryRun<T>(t: TestDatabase, c: TenantContext, fn: (trx: Trx) => Promise<T>): Promise<T> {
  const out: T[] = [];
  await t.db
    .withTenant(c, async (trx) => {
      out.push(await fn(trx));
      throw ROLLBACK;
    })
    .catch((e) => {
      if (e !== ROLLBACK) throw e;
    });
  return out[0] as T;
}

/** Rows an UPDATE or DELETE reached. */
export const affected = async (trx: Trx, q: RawBuilder<unknown>) =>
  Number((await q.execute(trx)).numAffectedRows ?? -1);

export const count = async (db: Kysely<DB>, table: string, col: string, value: string) =>
  (
    await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table)} where ${sql.ref(col)} = ${value}`.execute(db)
  ).rows[0]?.n;

/**
 * Séné gets two households A and B with a parent each, a staff member, a session and a
 * token per parent, a throttle row, an auth event and an outbox row, all written through
 * withTenant as the app would. Plombières gets nothing.
 */
export async function seedRls(t: TestDatabase): Promise<RlsFixture> {
  const sene = await tenantId(t, "sene");
  const plomb = await tenantId(t, "plombieres");
  const ids = {} as RlsFixture["ids"];
  await t.db.withTenant({ role: "app_staff", tenantId: sene }, async (trx) => {
    for (const [h, p, num] of [
      ["hA", "parentA", "A"],
      ["hB", "parentB", "B"],
    ] as const) {
      ids[h] = (
        await trx
          .insertInto("households")
          .values({ tenant_id: sene, number: `rls-${num}`, name: `Famille ${num}` })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
      ids[p] = (
        await trx
          .insertInto("users")
          .values({
            tenant_id: sene,
            kind: "parent",
            household_id: ids[h],
            first_name: num,
            last_name: "RLS",
            email: `${num.toLowerCase()}@rls.test`,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    }
    ids.staff = (
      await trx
        .insertInto("users")
        .values({
          tenant_id: sene,
          kind: "staff",
          staff_role: "agent",
          first_name: "S",
          last_name: "RLS",
          email: "staff@rls.test",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await trx
      .insertInto("auth_tokens")
      .values([
        { tenant_id: sene, id: TOK_A, user_id: ids.parentA, purpose: "email_change", expires_at: later() },
        { tenant_id: sene, id: TOK_B, user_id: ids.parentB, purpose: "email_change", expires_at: later() },
      ])
      .execute();
    await trx
      .insertInto("outbox")
      .values({ tenant_id: sene, to_address: "a@rls.test", subject: "s", text_body: "t", html_body: "h" })
      .execute();
  });
  await t.db.withTenant({ role: "app_auth", tenantId: sene }, async (trx) => {
    await trx
      .insertInto("sessions")
      .values([
        { tenant_id: sene, id: SESS_A, user_id: ids.parentA, remember: false, expires_at: later() },
        { tenant_id: sene, id: SESS_B, user_id: ids.parentB, remember: false, expires_at: later() },
      ])
      .execute();
    await trx.insertInto("login_throttle").values({ tenant_id: sene, key: THROTTLE, failures: 2 }).execute();
    // app_auth may insert auth events but not read them back: the id is chosen here.
    ids.event = randomUUID();
    await trx
      .insertInto("auth_events")
      .values({ tenant_id: sene, id: ids.event, user_id: ids.parentA, event: "login" })
      .execute();
  });
  ids.outbox = (
    await t.owner
      .selectFrom("outbox")
      .select("id")
      .where("to_address", "=", "a@rls.test")
      .executeTakeFirstOrThrow()
  ).id;
  return { sene, plomb, ids };
}
