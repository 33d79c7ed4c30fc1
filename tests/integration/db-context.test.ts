/**
 * architecture §4 and §5.1 on one pooled connection: withTenant runs as the persona with the
 * request's context, that context lives only as long as its transaction (the next request
 * on the same connection inherits nothing, even after a failure), and a failed request
 * rolls back everything it wrote.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantContext, Trx } from "../../src/db/database.ts";
import { LOGIN } from "../helpers/constants.ts";
import { createTestDatabase, type TestDatabase, tenantId } from "../helpers/db.ts";

let t: TestDatabase;
let sene: string;
let plomb: string;
let parent: TenantContext;
const NO_TOWN: TenantContext = { role: "app_staff", tenantId: null };

/** What the connection looks like from inside a transaction. */
async function state(trx: Trx) {
  const { rows } = await sql<{
    pid: number;
    current: string;
    session: string;
    role: string;
    tenant: string | null;
    user: string | null;
    household: string | null;
    households: number;
  }>`select pg_backend_pid() as pid, current_user as current, session_user as session,
            current_setting('role') as role,
            current_setting('app.tenant_id', true) as tenant,
            current_setting('app.user_id', true) as user,
            current_setting('app.household_id', true) as household,
            (select count(*)::int from households) as households`.execute(trx);
  return rows[0] as NonNullable<(typeof rows)[0]>;
}

beforeAll(async () => {
  // One connection: every call below reuses it, so a leak could not hide on another one.
  t = await createTestDatabase({ poolSize: 1 });
  sene = await tenantId(t, "sene");
  plomb = await tenantId(t, "plombieres");
  const seed = async (tenant: string, tag: string) => {
    const h = await t.owner
      .insertInto("households")
      .values({ tenant_id: tenant, number: `ctx-${tag}`, name: tag })
      .returning("id")
      .executeTakeFirstOrThrow();
    const u = await t.owner
      .insertInto("users")
      .values({
        tenant_id: tenant,
        kind: "parent",
        household_id: h.id,
        first_name: tag,
        last_name: "CTX",
        email: `${tag}@ctx.test`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { householdId: h.id, userId: u.id };
  };
  const a = await seed(sene, "sene");
  await seed(plomb, "plomb");
  parent = { role: "app_parent", tenantId: sene, ...a };
});
afterAll(async () => {
  await t?.close();
});

describe("withTenant (architecture §4)", () => {
  it("runs as the persona, logged in as the login role, with the request's context", async () => {
    const s = await t.db.withTenant(parent, state);
    expect(s).toMatchObject({
      current: "app_parent",
      session: LOGIN.user,
      role: "app_parent",
      tenant: sene,
      user: parent.userId,
      household: parent.householdId,
      households: 1,
    });
  });

  it("a persona cannot execute app.resolve_host: only the bare login role can (used as a probe below)", async () => {
    await expect(
      t.db.withTenant(parent, (trx) => sql`select * from app.resolve_host('sene', '')`.execute(trx)),
    ).rejects.toThrow(/permission denied for function resolve_host/);
    expect((await t.db.resolveHost("sene", "sene.localhost"))?.id).toBe(sene);
  });
});

describe("a pooled connection never carries one request's context into the next", () => {
  it("the next transaction on the same connection starts with no role or context left over", async () => {
    const first = await t.db.withTenant(parent, state);
    const next = await t.db.withTenant(NO_TOWN, state);
    expect(next.pid).toBe(first.pid);
    expect(next).toMatchObject({ current: "app_staff", tenant: "", user: "", household: "", households: 0 });
    const owned = await t.owner.selectFrom("households").select("id").where("tenant_id", "=", sene).execute();
    expect(owned.length).toBeGreaterThan(0);
  });

  it("between transactions the connection is the login role again (resolve_host still answers)", async () => {
    const first = await t.db.withTenant(parent, state);
    expect((await t.db.resolveHost("sene", "sene.localhost"))?.slug).toBe("sene");
    const again = await t.db.withTenant(NO_TOWN, state);
    expect(again.pid).toBe(first.pid);
  });

  it.each([
    ["an SQL error", (trx: Trx) => sql`select 1 / 0`.execute(trx), /division by zero/],
    [
      "an RLS refusal",
      (trx: Trx) =>
        trx
          .insertInto("auth_events")
          .values({ tenant_id: plomb, user_id: parent.userId ?? null, event: "login" })
          .execute(),
      /row-level security/,
    ],
    [
      "a thrown Error",
      async () => {
        throw new Error("boom");
      },
      /boom/,
    ],
  ] as const)("after %s the connection is clean and usable", async (_what, fail, message) => {
    const before = await t.db.withTenant(parent, state);
    await expect(t.db.withTenant(parent, async (trx) => fail(trx))).rejects.toThrow(message);
    await expect(t.db.ping()).resolves.toBeUndefined();
    expect((await t.db.resolveHost("plombieres", "plombieres.localhost"))?.id).toBe(plomb);
    const after = await t.db.withTenant(NO_TOWN, state);
    expect(after.pid).toBe(before.pid);
    expect(after).toMatchObject({ current: "app_staff", tenant: "", user: "", household: "", households: 0 });
  });

  it("interleaved requests of two towns on one connection each see only their own town", async () => {
    const towns = Array.from({ length: 12 }, (_, i) => (i % 2 ? plomb : sene));
    const seen = await Promise.all(
      towns.map((tenant) =>
        t.db.withTenant({ role: "app_staff", tenantId: tenant }, async (trx) => {
          const s = await state(trx);
          const rows = await trx.selectFrom("households").select("tenant_id").execute();
          return { setting: s.tenant, towns: [...new Set(rows.map((r) => r.tenant_id))] };
        }),
      ),
    );
    expect(seen).toEqual(towns.map((tenant) => ({ setting: tenant, towns: [tenant] })));
  });
});

describe("a request that fails rolls back (architecture §4)", () => {
  const households = async (number: string) =>
    (await t.owner.selectFrom("households").select("id").where("number", "=", number).execute()).length;
  const insert = (trx: Trx, number: string) =>
    trx.insertInto("households").values({ tenant_id: sene, number, name: "Rollback" }).execute();
  const jobs = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from graphile_worker.jobs`.execute(t.owner)).rows[0]?.n,
    );
  const staff = (): TenantContext => ({ role: "app_staff", tenantId: sene });

  it("a row written before a thrown error is gone, and the caller gets the original error", async () => {
    const error = new Error("handler failed");
    await expect(
      t.db.withTenant(staff(), async (trx) => {
        await insert(trx, "rb-throw");
        expect(
          await trx.selectFrom("households").select("id").where("number", "=", "rb-throw").execute(),
        ).toHaveLength(1);
        throw error;
      }),
    ).rejects.toBe(error);
    expect(await households("rb-throw")).toBe(0);
  });

  it("a row written before a failing statement is gone", async () => {
    await expect(
      t.db.withTenant(staff(), async (trx) => {
        await insert(trx, "rb-sql");
        await insert(trx, "rb-sql"); // duplicate (tenant_id, number)
      }),
    ).rejects.toThrow(/duplicate key value/);
    expect(await households("rb-sql")).toBe(0);
  });

  it("an outbox row (and its queued job) written before a failure is gone with it", async () => {
    const before = await jobs();
    await expect(
      t.db.withTenant(staff(), async (trx) => {
        await trx
          .insertInto("outbox")
          .values({
            tenant_id: sene,
            to_address: "rb@ctx.test",
            subject: "s",
            text_body: "t",
            html_body: "h",
          })
          .execute();
        throw new Error("after the mail was queued");
      }),
    ).rejects.toThrow(/after the mail/);
    expect(
      await t.owner.selectFrom("outbox").select("id").where("to_address", "=", "rb@ctx.test").execute(),
    ).toEqual([]);
    expect(await jobs()).toBe(before);
  });

  it("and a request that succeeds commits, its outbox row queuing a job (positive control)", async () => {
    const before = await jobs();
    await t.db.withTenant(staff(), async (trx) => {
      await insert(trx, "rb-ok");
      await trx
        .insertInto("outbox")
        .values({ tenant_id: sene, to_address: "ok@ctx.test", subject: "s", text_body: "t", html_body: "h" })
        .execute();
    });
    expect(await households("rb-ok")).toBe(1);
    expect(await jobs()).toBe(before + 1);
  });
});
