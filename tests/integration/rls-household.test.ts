/**
 * architecture §5.3 exercised through withTenant: a parent never reaches another household's rows,
 * even by id, and operators see every town but no family. Each denial has a positive
 * control; writes run in transactions that are rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Persona, TenantContext, Trx } from "../../src/db/database.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import {
  count,
  dryRun as dryRunIn,
  later,
  RLS_ERROR,
  type RlsFixture,
  SESS_A,
  SESS_B,
  seedRls,
  TOK_A,
  TOK_B,
} from "../helpers/rls-fixture.ts";

let t: TestDatabase;
let sene: string;
let plomb: string;
let ids: RlsFixture["ids"];
const dryRun = <T>(c: TenantContext, fn: (trx: Trx) => Promise<T>) => dryRunIn(t, c, fn);

beforeAll(async () => {
  t = await createTestDatabase();
  ({ sene, plomb, ids } = await seedRls(t));
});
afterAll(async () => {
  await t?.close();
});
describe("a parent of household A never reaches household B's rows, even by id (architecture §5.3)", () => {
  const parentA = (): TenantContext => ({
    role: "app_parent",
    tenantId: sene,
    userId: ids.parentA,
    householdId: ids.hA,
  });

  it("reads: households, users, sessions, auth_tokens by B's ids return nothing; A's own rows are found", async () => {
    const probe: [string, () => string, () => string][] = [
      ["households", () => ids.hA, () => ids.hB],
      ["users", () => ids.parentA, () => ids.parentB],
      ["sessions", () => SESS_A, () => SESS_B],
      ["auth_tokens", () => TOK_A, () => TOK_B],
    ];
    const seen = await t.db.withTenant(parentA(), async (trx) => {
      const out: Record<string, [number | undefined, number | undefined]> = {};
      for (const [table, own, other] of probe)
        out[table] = [await count(trx, table, "id", own()), await count(trx, table, "id", other())];
      const everything = await trx.selectFrom("users").select("id").execute();
      return {
        out,
        users: everything.map((u) => u.id),
        households: (await trx.selectFrom("households").select("id").execute()).map((h) => h.id),
      };
    });
    expect(seen.out).toEqual({ households: [1, 0], users: [1, 0], sessions: [1, 0], auth_tokens: [1, 0] });
    expect(seen.users).toEqual([ids.parentA]);
    expect(seen.households).toEqual([ids.hA]);
  });

  it("writes: B's user, token and session are untouched (0 rows); A's own are reachable", async () => {
    const writes = (user: string, token: string, session: string) =>
      dryRun(parentA(), async (trx) => [
        Number(
          (
            await trx
              .updateTable("users")
              .set({ email: "new@rls.test" })
              .where("id", "=", user)
              .executeTakeFirst()
          ).numUpdatedRows,
        ),
        Number(
          (
            await trx
              .updateTable("auth_tokens")
              .set({ used_at: new Date() })
              .where("id", "=", token)
              .executeTakeFirst()
          ).numUpdatedRows,
        ),
        Number(
          (await trx.deleteFrom("sessions").where("id", "=", session).executeTakeFirst()).numDeletedRows,
        ),
      ]);
    expect(await writes(ids.parentA, TOK_A, SESS_A)).toEqual([1, 1, 1]);
    expect(await writes(ids.parentB, TOK_B, SESS_B)).toEqual([0, 0, 0]);
    const b = await t.owner
      .selectFrom("users")
      .select("email")
      .where("id", "=", ids.parentB)
      .executeTakeFirstOrThrow();
    expect(b.email).toBe("b@rls.test");
  });

  it("inserts in B's name are refused: a token for B, an auth event for B", async () => {
    const token = (user: string) => (trx: Trx) =>
      trx
        .insertInto("auth_tokens")
        .values({
          tenant_id: sene,
          id: `rls-p-${user}`,
          user_id: user,
          purpose: "email_change",
          expires_at: later(),
        })
        .execute();
    await expect(dryRun(parentA(), token(ids.parentA))).resolves.toBeDefined();
    await expect(dryRun(parentA(), token(ids.parentB))).rejects.toThrow(RLS_ERROR);
    const event = (trx: Trx) =>
      trx
        .insertInto("auth_events")
        .values({ tenant_id: sene, user_id: ids.parentB, event: "logout" })
        .execute();
    await expect(dryRun(parentA(), event)).rejects.toThrow(RLS_ERROR);
  });

  it("A's own ids under another town's context find nothing (the fence and the household policy both apply)", async () => {
    const c = { ...parentA(), tenantId: plomb };
    const seen = await t.db.withTenant(c, async (trx) => [
      await count(trx, "households", "id", ids.hA),
      await count(trx, "users", "id", ids.parentA),
    ]);
    expect(seen).toEqual([0, 0]);
  });
});

describe("operators (architecture §5.3)", () => {
  it("see every town in tenants, while a staff member sees only their own and a missing context none", async () => {
    const slugs = (role: Persona, tenant: string | null) =>
      t.db.withTenant({ role, tenantId: tenant }, async (trx) =>
        (await trx.selectFrom("tenants").select("slug").orderBy("slug").execute()).map((r) => r.slug),
      );
    expect(await slugs("app_operator", null)).toEqual(["plombieres", "sene", "senneceylesdijon"]);
    expect(await slugs("app_staff", sene)).toEqual(["sene"]);
    expect(await slugs("app_staff", null)).toEqual([]);
  });

  it.each(["households", "users", "sessions", "auth_tokens"])(
    "see no %s without entering a town (no privilege, or 0 rows)",
    async (table) => {
      expect(await count(t.owner, table, "tenant_id", sene)).toBeGreaterThan(0);
      const seen = await t.db
        .withTenant({ role: "app_operator", tenantId: null }, (trx) => count(trx, table, "tenant_id", sene))
        .catch((e: Error) => e.message);
      expect([0, `permission denied for table ${table}`]).toContain(seen);
    },
  );

  it("cannot write an audit entry in another operator's name", async () => {
    const ctx = { role: "app_operator" as const, tenantId: null, userId: ids.staff };
    const audit = (operator: string) => (trx: Trx) =>
      trx
        .insertInto("platform_audit")
        .values({ operator_id: operator, event: "enter", target_tenant_id: sene })
        .execute();
    await expect(dryRun(ctx, audit(ids.staff))).resolves.toBeDefined();
    await expect(dryRun(ctx, audit(ids.parentA))).rejects.toThrow(RLS_ERROR);
  });
});
