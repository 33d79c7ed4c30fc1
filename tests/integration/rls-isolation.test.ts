/**
 * architecture §5.2 exercised through withTenant, as the app reaches the data: a town never sees
 * nor writes another town's rows, and a missing context sees and writes nothing. Each
 * denial has a positive control (the same statement in Séné's own context reaches the row);
 * writes run in transactions that are rolled back, so every test sees the same data.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Persona, TenantContext, Trx } from "../../src/db/database.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import {
  affected,
  count,
  dryRun as dryRunIn,
  later,
  RLS_ERROR,
  type RlsFixture,
  SESS_A,
  seedRls,
  THROTTLE,
  TOK_A,
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

/** For each town table, a persona whose own policy is `true`: only the tenant fence can hide a row from it. */
const OPEN: [table: string, persona: Persona, col: string, value: () => string][] = [
  ["households", "app_staff", "id", () => ids.hA],
  ["users", "app_staff", "id", () => ids.parentA],
  ["sessions", "app_auth", "id", () => SESS_A],
  ["auth_tokens", "app_staff", "id", () => TOK_A],
  ["login_throttle", "app_auth", "key", () => THROTTLE],
  ["auth_events", "app_staff", "id", () => ids.event],
  ["outbox", "app_jobs", "id", () => ids.outbox],
];
const UPDATES: [table: string, persona: Persona, set: string, col: string, value: () => string][] = [
  ["households", "app_staff", "name = name || ''", "id", () => ids.hA],
  ["users", "app_staff", "first_name = first_name || ''", "id", () => ids.parentA],
  ["sessions", "app_auth", "last_seen_at = now()", "id", () => SESS_A],
  ["auth_tokens", "app_staff", "used_at = now()", "id", () => TOK_A],
  ["login_throttle", "app_auth", "failures = failures + 1", "key", () => THROTTLE],
  ["outbox", "app_jobs", "attempts = attempts + 1", "id", () => ids.outbox],
];
const DELETES: [table: string, persona: Persona, col: string, value: () => string][] = [
  ["sessions", "app_auth", "id", () => SESS_A],
  ["login_throttle", "app_auth", "key", () => THROTTLE],
];
/** Inserts naming Séné's tenant_id explicitly. */
const INSERTS: [table: string, persona: Persona, run: (trx: Trx) => Promise<unknown>][] = [
  [
    "households",
    "app_staff",
    (trx) => trx.insertInto("households").values({ tenant_id: sene, number: "rls-X", name: "X" }).execute(),
  ],
  [
    "users",
    "app_staff",
    (trx) =>
      trx
        .insertInto("users")
        .values({
          tenant_id: sene,
          kind: "staff",
          staff_role: "admin",
          first_name: "X",
          last_name: "X",
          email: "x@rls.test",
        })
        .execute(),
  ],
  [
    "sessions",
    "app_auth",
    (trx) =>
      trx
        .insertInto("sessions")
        .values({ tenant_id: sene, id: "rls-x", user_id: ids.parentA, remember: true, expires_at: later() })
        .execute(),
  ],
  [
    "auth_tokens",
    "app_staff",
    (trx) =>
      trx
        .insertInto("auth_tokens")
        .values({
          tenant_id: sene,
          id: "rls-x",
          user_id: ids.parentA,
          purpose: "activation",
          expires_at: later(),
        })
        .execute(),
  ],
  [
    "login_throttle",
    "app_auth",
    (trx) =>
      trx.insertInto("login_throttle").values({ tenant_id: sene, key: "rls-x", failures: 0 }).execute(),
  ],
  [
    "auth_events",
    "app_auth",
    (trx) => trx.insertInto("auth_events").values({ tenant_id: sene, event: "login" }).execute(),
  ],
  [
    "outbox",
    "app_staff",
    (trx) =>
      trx
        .insertInto("outbox")
        .values({ tenant_id: sene, to_address: "x@rls.test", subject: "s", text_body: "t", html_body: "h" })
        .execute(),
  ],
];

describe("town A never sees or writes town B's rows (architecture §5.2)", () => {
  it.each(OPEN)(
    "%s as %s: Séné sees its row; Plombières and a missing context see none of it",
    async (table, persona, col, value) => {
      const seen = async (tenant: string | null) =>
        t.db.withTenant({ role: persona, tenantId: tenant }, async (trx) => ({
          byKey: await count(trx, table, col, value()),
          byTenant: await count(trx, table, "tenant_id", sene),
        }));
      const own = await seen(sene);
      expect(own.byKey).toBe(1);
      expect(own.byTenant).toBeGreaterThanOrEqual(1);
      expect(await seen(plomb)).toEqual({ byKey: 0, byTenant: 0 });
      expect(await seen(null)).toEqual({ byKey: 0, byTenant: 0 });
    },
  );

  it.each(UPDATES)(
    "%s as %s: updates from Plombières or without context affect 0 rows",
    async (table, persona, set, col, value) => {
      const update = (tenant: string | null) =>
        dryRun({ role: persona, tenantId: tenant }, (trx) =>
          affected(
            trx,
            sql`update ${sql.table(table)} set ${sql.raw(set)} where ${sql.ref(col)} = ${value()}`,
          ),
        );
      expect(await update(sene)).toBe(1);
      expect(await update(plomb)).toBe(0);
      expect(await update(null)).toBe(0);
    },
  );

  it.each(DELETES)(
    "%s as %s: deletes from Plombières or without context affect 0 rows",
    async (table, persona, col, value) => {
      const del = (tenant: string | null) =>
        dryRun({ role: persona, tenantId: tenant }, (trx) =>
          affected(trx, sql`delete from ${sql.table(table)} where ${sql.ref(col)} = ${value()}`),
        );
      expect(await del(sene)).toBe(1);
      expect(await del(plomb)).toBe(0);
      expect(await del(null)).toBe(0);
      expect(
        await t.owner
          .selectFrom(table as "sessions")
          .select("tenant_id")
          .where(col as "id", "=", value())
          .execute(),
      ).toHaveLength(1);
    },
  );

  it.each(INSERTS)(
    "%s as %s: a row for Séné is written in Séné, rejected by WITH CHECK from Plombières or without context",
    async (_table, persona, run) => {
      await expect(dryRun({ role: persona, tenantId: sene }, run)).resolves.toBeDefined();
      await expect(dryRun({ role: persona, tenantId: plomb }, run)).rejects.toThrow(RLS_ERROR);
      await expect(dryRun({ role: persona, tenantId: null }, run)).rejects.toThrow(RLS_ERROR);
    },
  );

  it("a row cannot be moved into another town (WITH CHECK on update)", async () => {
    const move = (trx: Trx) =>
      trx.updateTable("households").set({ tenant_id: plomb }).where("id", "=", ids.hA).execute();
    await expect(dryRun({ role: "app_staff", tenantId: sene }, move)).rejects.toThrow(RLS_ERROR);
  });

  it("a row without tenant_id takes none from a missing context and is refused", async () => {
    const insert = (trx: Trx) => sql`insert into login_throttle (key) values ('rls-default')`.execute(trx);
    await expect(dryRun({ role: "app_auth", tenantId: sene }, insert)).resolves.toBeDefined();
    await expect(dryRun({ role: "app_auth", tenantId: null }, insert)).rejects.toThrow(RLS_ERROR);
  });

  it("composite foreign keys refuse a reference to another town's household (FK checks ignore RLS)", async () => {
    const insert = (trx: Trx) =>
      trx
        .insertInto("users")
        .values({
          tenant_id: plomb,
          kind: "parent",
          household_id: ids.hA,
          first_name: "X",
          last_name: "X",
          email: "fk@rls.test",
        })
        .execute();
    await expect(dryRun({ role: "app_staff", tenantId: plomb }, insert)).rejects.toThrow(
      /violates foreign key constraint/,
    );
  });
});
