/**
 * architecture §5.2, §5.4, §5.5 read from pg_catalog: the build fails, naming the table, if a table
 * holding town data lacks tenant_id NOT NULL, forced RLS or its restrictive tenant fence, if a
 * key or index does not lead with tenant_id, or if any table of public is left without RLS.
 * The roles (§5.1) are checked in rls-roles.test.ts.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN } from "../helpers/constants.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";

const PERSONAS = ["app_parent", "app_staff", "app_operator", "app_auth", "app_jobs"];
/** Tables the foundation migration fences; the catalog must find at least these. */
const KNOWN_TOWN_TABLES = [
  "households",
  "users",
  "sessions",
  "auth_tokens",
  "login_throttle",
  "auth_events",
  "outbox",
];
/**
 * Kysely's migration bookkeeping lives in public and is read by the owner only: forcing RLS
 * on it would hide its rows from a non-BYPASSRLS owner and re-run migrations. It may stay
 * without RLS only while no app role has any privilege on it (asserted below).
 */
const MIGRATOR_TABLES = ["kysely_migration", "kysely_migration_lock"];
/** The fence exactly as PostgreSQL deparses `tenant_id = (select app.tenant_id())`. */
const FENCE = "(tenant_id = ( SELECT app.tenant_id() AS tenant_id))";

interface Table {
  name: string;
  rls: boolean;
  forced: boolean;
  has_tenant: boolean;
  tenant_not_null: boolean;
  owner: string;
}

let t: TestDatabase;
let tables: Table[];
let townTables: Table[];
const rows = async <T>(query: string): Promise<T[]> => (await sql.raw<T>(query).execute(t.owner)).rows;

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 1 });
  tables = await rows<Table>(`
    select c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
           a.attnum is not null as has_tenant, coalesce(a.attnotnull, false) as tenant_not_null,
           pg_get_userbyid(c.relowner) as owner
    from pg_class c
    left join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
    order by 1`);
  townTables = tables.filter((x) => x.has_tenant);
});
afterAll(async () => {
  await t?.close();
});

describe("tables holding town data (architecture §5.2)", () => {
  it("are found by the catalog query (the checks below are not vacuous)", () => {
    expect(townTables.map((x) => x.name)).toEqual(expect.arrayContaining(KNOWN_TOWN_TABLES));
  });

  it("have tenant_id NOT NULL and RLS enabled and forced", () => {
    const bad = townTables.flatMap((x) => [
      ...(x.tenant_not_null ? [] : [`${x.name}: tenant_id is nullable`]),
      ...(x.rls ? [] : [`${x.name}: row level security not enabled`]),
      ...(x.forced ? [] : [`${x.name}: row level security not forced`]),
    ]);
    expect(bad).toEqual([]);
  });

  it("each carry a RESTRICTIVE fence for every role and command, USING and WITH CHECK on app.tenant_id()", async () => {
    const policies = await rows<{
      table: string;
      name: string;
      permissive: boolean;
      cmd: string;
      roles: string;
      qual: string | null;
      check: string | null;
    }>(`
      select c.relname as table, p.polname as name, p.polpermissive as permissive, p.polcmd as cmd,
             p.polroles::text as roles,
             pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as check
      from pg_policy p join pg_class c on c.oid = p.polrelid
      where c.relnamespace = 'public'::regnamespace`);
    const bad: string[] = [];
    for (const x of townTables) {
      const fence = policies.find(
        (p) =>
          p.table === x.name &&
          !p.permissive &&
          p.cmd === "*" &&
          p.roles === "{0}" &&
          p.qual === FENCE &&
          p.check === FENCE,
      );
      if (!fence) {
        const found = policies.filter((p) => p.table === x.name && !p.permissive);
        bad.push(`${x.name}: no restrictive tenant fence (restrictive policies: ${JSON.stringify(found)})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("app.tenant_id(), app.user_id(), app.household_id() read the transaction's setting, '' meaning none", async () => {
    const fns = await rows<{ name: string; src: string; volatile: string; definer: boolean; type: string }>(`
      select p.proname as name, p.prosrc as src, p.provolatile as volatile, p.prosecdef as definer,
             format_type(p.prorettype, null) as type
      from pg_proc p where p.pronamespace = 'app'::regnamespace
        and p.proname in ('tenant_id', 'user_id', 'household_id') order by 1`);
    expect(fns.map((f) => f.name)).toEqual(["household_id", "tenant_id", "user_id"]);
    for (const f of fns) {
      expect(f.src.replace(/\s+/g, " ").trim(), f.name).toBe(
        `select nullif(current_setting('app.${f.name}', true), '')::uuid`,
      );
      expect([f.volatile, f.definer, f.type], f.name).toEqual(["s", false, "uuid"]);
    }
  });
});

describe("every table in public", () => {
  it("has RLS enabled and forced, platform tables included", () => {
    const bad = tables
      .filter((x) => !MIGRATOR_TABLES.includes(x.name) && !(x.rls && x.forced))
      .map((x) => `${x.name}: rls=${x.rls} forced=${x.forced}`);
    expect(tables.map((x) => x.name)).toEqual(
      expect.arrayContaining(["tenants", "operators", "platform_audit"]),
    );
    expect(bad).toEqual([]);
  });

  it("is owned by neither the login role nor a persona (an owner may disable RLS)", () => {
    const bad = tables
      .filter((x) => [LOGIN.user, ...PERSONAS].includes(x.owner))
      .map((x) => `${x.name}: ${x.owner}`);
    expect(bad).toEqual([]);
  });

  it("except the migrator's bookkeeping, which no app role can reach", async () => {
    const found = tables.filter((x) => MIGRATOR_TABLES.includes(x.name));
    expect(found.map((x) => [x.name, x.has_tenant])).toEqual(MIGRATOR_TABLES.map((n) => [n, false]));
    const grants = await rows<{ table: string; grantee: string }>(`
      select c.relname as table, coalesce(pg_get_userbyid(nullif(g.grantee, 0)), 'PUBLIC') as grantee
      from pg_class c, aclexplode(c.relacl) g
      where c.relnamespace = 'public'::regnamespace and c.relname in (${MIGRATOR_TABLES.map((n) => `'${n}'`).join(", ")})
        and g.grantee <> c.relowner`);
    expect(grants).toEqual([]);
  });

  it("has no view that would run with its owner's rights (bypassing RLS)", async () => {
    const views = await rows<{ name: string }>(`
      select c.relname as name from pg_class c
      where c.relnamespace in ('public'::regnamespace, 'app'::regnamespace) and c.relkind in ('v', 'm')
        and not coalesce('security_invoker=true' = any (c.reloptions), false)`);
    expect(views).toEqual([]);
  });
});

describe("keys and indexes of town tables lead with tenant_id (architecture §5.4)", () => {
  it("every town table has a primary key, and every index (primary, unique or not) starts with tenant_id", async () => {
    const indexes = await rows<{ table: string; index: string; primary: boolean; first: string | null }>(`
      select c.relname as table, ic.relname as index, i.indisprimary as primary, a.attname::text as first
      from pg_index i
      join pg_class c on c.oid = i.indrelid
      join pg_class ic on ic.oid = i.indexrelid
      left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
      where c.relnamespace = 'public'::regnamespace`);
    const bad: string[] = [];
    for (const x of townTables) {
      const own = indexes.filter((i) => i.table === x.name);
      if (!own.some((i) => i.primary)) bad.push(`${x.name}: no primary key`);
      for (const i of own.filter((i) => i.first !== "tenant_id"))
        bad.push(`${x.name}: index ${i.index} starts with ${i.first ?? "an expression"}`);
    }
    expect(bad).toEqual([]);
  });

  it("every foreign key to a town table is (tenant_id, …) → (tenant_id, …)", async () => {
    const fks = await rows<{ name: string; table: string; ref: string; cols: string[]; ref_cols: string[] }>(`
      select con.conname as name, c.relname as table, rc.relname as ref,
        (select array_agg(a.attname::text order by k.n) from unnest(con.conkey) with ordinality k(att, n)
           join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.att) as cols,
        (select array_agg(a.attname::text order by k.n) from unnest(con.confkey) with ordinality k(att, n)
           join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.att) as ref_cols
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid
      join pg_class rc on rc.oid = con.confrelid
      where con.contype = 'f' and c.relnamespace = 'public'::regnamespace`);
    const town = new Set(townTables.map((x) => x.name));
    const toTown = fks.filter((f) => town.has(f.ref));
    // users → households, sessions → users, auth_tokens → users at least.
    expect(toTown.length).toBeGreaterThanOrEqual(3);
    const bad = toTown
      .filter((f) => f.cols[0] !== "tenant_id" || f.ref_cols[0] !== "tenant_id" || f.cols.length < 2)
      .map((f) => `${f.table}.${f.name}: (${f.cols}) → ${f.ref}(${f.ref_cols})`);
    expect(bad).toEqual([]);
  });

  it("ids are never sequential: no sequence, identity or serial default in public or app", async () => {
    const seqs = await rows<{ name: string }>(`
      select relname as name from pg_class
      where relkind = 'S' and relnamespace in ('public'::regnamespace, 'app'::regnamespace)`);
    const cols = await rows<{ col: string }>(`
      select c.relname || '.' || a.attname as col
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
        and (a.attidentity <> '' or pg_get_expr(d.adbin, d.adrelid) like 'nextval(%')`);
    // One sequence numbers booking dossiers (a number shown to people, never an id or a key
    // other tables point at: decision 0011-i17b); it must stay the only one.
    expect([seqs, cols]).toEqual([[{ name: "booking_dossier_numbers" }], []]);
    const ids = await rows<{ col: string; type: string }>(`
      select c.relname || '.' || a.attname as col, format_type(a.atttypid, a.atttypmod) as type
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
        and a.attname like '%\\_id' and c.relname not like 'kysely%'`);
    expect(ids.length).toBeGreaterThan(5);
    expect(ids.filter((x) => x.type !== "uuid")).toEqual([]);
  });
});
