/**
 * Issue 14 tables under architecture §5.2–5.3: messages are fenced by town and by household, news
 * read by visitors are only the public ones being published. Writes are rolled back.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantContext, Trx } from "../../src/db/database.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { dryRun as dryRunIn, RLS_ERROR, type RlsFixture, seedRls } from "../helpers/rls-fixture.ts";

let t: TestDatabase;
let sene: string;
let plomb: string;
let ids: RlsFixture["ids"];
const threads: Record<"A" | "B", string> = { A: "", B: "" };
const dryRun = <T>(c: TenantContext, fn: (trx: Trx) => Promise<T>) => dryRunIn(t, c, fn);
const parent = (h: "hA" | "hB", u: "parentA" | "parentB"): TenantContext => ({
  role: "app_parent",
  tenantId: sene,
  userId: ids[u],
  householdId: ids[h],
});
const staff = (tenantId: string): TenantContext => ({ role: "app_staff", tenantId, userId: ids.staff });

beforeAll(async () => {
  t = await createTestDatabase();
  ({ sene, plomb, ids } = await seedRls(t));
  for (const [k, h, u] of [
    ["A", "hA", "parentA"],
    ["B", "hB", "parentB"],
  ] as const)
    await t.db.withTenant(parent(h, u), async (trx) => {
      const row = await trx
        .insertInto("message_threads")
        .values({
          tenant_id: sene,
          household_id: ids[h],
          subject: k,
          service: "Accueil",
          started_by: "parent",
          broadcast_id: null,
          assigned_to: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      threads[k] = row.id;
      await trx
        .insertInto("messages")
        .values({
          tenant_id: sene,
          household_id: ids[h],
          thread_id: row.id,
          author: "parent",
          author_user_id: ids[u],
          body: k,
        })
        .execute();
    });
  await t.db.withTenant(staff(sene), (trx) =>
    trx
      .insertInto("news")
      .values([
        {
          tenant_id: sene,
          title: "Pub",
          body: "x",
          audience: "public",
          publish_from: "2020-01-01",
          publish_until: null,
          created_by: ids.staff,
          image: null,
          image_mime: null,
        },
        {
          tenant_id: sene,
          title: "Fam",
          body: "x",
          audience: "parents",
          publish_from: "2020-01-01",
          publish_until: null,
          created_by: ids.staff,
          image: null,
          image_mime: null,
        },
        {
          tenant_id: sene,
          title: "Fin",
          body: "x",
          audience: "public",
          publish_from: "2020-01-01",
          publish_until: "2020-02-01",
          created_by: ids.staff,
          image: null,
          image_mime: null,
        },
      ])
      .execute(),
  );
});
afterAll(async () => {
  await t?.close();
});

describe("messages", () => {
  it("a parent sees only the household's conversations and messages, even by id", async () => {
    const seen = await t.db.withTenant(parent("hA", "parentA"), async (trx) => ({
      threads: (await trx.selectFrom("message_threads").select("subject").execute()).map((r) => r.subject),
      messages: (await trx.selectFrom("messages").select("body").execute()).map((r) => r.body),
      byId: await trx.selectFrom("message_threads").select("id").where("id", "=", threads.B).execute(),
    }));
    expect(seen).toEqual({ threads: ["A"], messages: ["A"], byId: [] });
  });

  it("a parent may not write in another household's conversation, nor as the town", async () => {
    const other = dryRun(parent("hA", "parentA"), (trx) =>
      trx
        .insertInto("messages")
        .values({
          tenant_id: sene,
          household_id: ids.hB,
          thread_id: threads.B,
          author: "parent",
          author_user_id: ids.parentA,
          body: "intrus",
        })
        .execute(),
    );
    await expect(other).rejects.toThrow(RLS_ERROR);
    const asTown = dryRun(parent("hA", "parentA"), (trx) =>
      trx
        .insertInto("messages")
        .values({
          tenant_id: sene,
          household_id: ids.hA,
          thread_id: threads.A,
          author: "town",
          author_user_id: ids.parentA,
          body: "faux",
        })
        .execute(),
    );
    await expect(asTown).rejects.toThrow(RLS_ERROR);
    const marked = await dryRun(parent("hA", "parentA"), async (trx) =>
      Number((await sql`update messages set read_at = now()`.execute(trx)).numAffectedRows),
    );
    expect(marked).toBe(0);
  });

  it("staff see their own town's conversations only", async () => {
    const mine = await t.db.withTenant(staff(sene), (trx) =>
      trx.selectFrom("message_threads").select("id").execute(),
    );
    expect(mine.length).toBe(2);
    const other = await t.db.withTenant(staff(plomb), (trx) =>
      trx.selectFrom("message_threads").select("id").execute(),
    );
    expect(other).toEqual([]);
  });

  it("tables carry forced RLS and a parent household fence", async () => {
    const rows = await sql<{ table: string; forced: boolean; parent_fenced: boolean }>`
      select c.relname as table, c.relforcerowsecurity as forced,
        exists (select 1 from pg_policies p where p.tablename = c.relname and 'app_parent' = any(p.roles)
          and p.qual like '%household_id = ( SELECT app.household_id()%') as parent_fenced
      from pg_class c where c.relname in ('message_threads', 'messages', 'message_attachments') order by 1`.execute(
      t.owner,
    );
    expect(rows.rows.every((r) => r.forced && r.parent_fenced)).toBe(true);
  });
});

describe("news", () => {
  it("a visitor reads the public ones being published; a parent also those for families", async () => {
    const titles = async (c: TenantContext) =>
      (
        await t.db.withTenant(c, (trx) => trx.selectFrom("news").select("title").orderBy("title").execute())
      ).map((r) => r.title);
    expect(await titles({ role: "app_auth", tenantId: sene })).toEqual(["Pub"]);
    expect(await titles(parent("hA", "parentA"))).toEqual(["Fam", "Pub"]);
    expect(await titles({ role: "app_auth", tenantId: plomb })).toEqual([]);
  });
});
