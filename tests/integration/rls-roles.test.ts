/**
 * architecture §5.1 and §5.5, and the host lookup of §4, read from pg_catalog and checked from a
 * connection of the login role itself: it is NOSUPERUSER NOBYPASSRLS NOINHERIT with no table
 * rights of its own, may only switch to the personas, none of which bypasses RLS, and the
 * SECURITY DEFINER functions are narrow (search_path set, no EXECUTE for PUBLIC).
 */
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN } from "../helpers/constants.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";

const PERSONAS = ["app_parent", "app_staff", "app_operator", "app_auth", "app_jobs"];

let t: TestDatabase;
let tables: { name: string; owner: string }[];
const rows = async <T>(query: string): Promise<T[]> => (await sql.raw<T>(query).execute(t.owner)).rows;

beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 1 });
  tables = await rows(`
    select c.relname as name, pg_get_userbyid(c.relowner) as owner from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`);
});
afterAll(async () => {
  await t?.close();
});

describe("roles (architecture §5.1, §5.5)", () => {
  let login: pg.Client;
  beforeAll(async () => {
    login = new pg.Client({ connectionString: t.loginUrl });
    await login.connect();
  });
  afterAll(async () => {
    await login?.end();
  });

  it("the request pool logs in as a NOSUPERUSER NOBYPASSRLS NOINHERIT role that may only SET ROLE to the personas", async () => {
    const me = await login.query(`
      select current_user as cur, session_user as ses, rolsuper, rolbypassrls, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin
      from pg_roles where rolname = current_user`);
    expect(me.rows).toEqual([
      {
        cur: LOGIN.user,
        ses: LOGIN.user,
        rolsuper: false,
        rolbypassrls: false,
        rolinherit: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolcanlogin: true,
      },
    ]);
    const member = await login.query(`
      select m.roleid::regrole::text as role, m.inherit_option as inherit, m.admin_option as admin, m.set_option as set
      from pg_auth_members m where m.member = current_user::regrole order by 1`);
    expect(member.rows).toEqual(
      [...PERSONAS].sort().map((role) => ({ role, inherit: false, admin: false, set: true })),
    );
    const owner = tables.find((x) => x.name === "tenants")?.owner ?? "";
    await expect(login.query(`set role "${owner}"`)).rejects.toThrow(/permission denied to set role/);
  });

  it("no persona, nor any role the login role reaches, can log in, is superuser or bypasses RLS", async () => {
    const { rows: reach } = await login.query(`
      with recursive r(oid) as (
        select oid from pg_roles where rolname = current_user
        union select m.roleid from pg_auth_members m join r on m.member = r.oid)
      select rolname, rolsuper, rolbypassrls, rolcanlogin from pg_roles where oid in (select oid from r) order by 1`);
    expect(reach.map((x) => x.rolname)).toEqual([...PERSONAS, LOGIN.user].sort());
    expect(reach.filter((x) => x.rolsuper || x.rolbypassrls)).toEqual([]);
    expect(reach.filter((x) => x.rolcanlogin).map((x) => x.rolname)).toEqual([LOGIN.user]);
  });

  it("the login role holds no privilege of its own on any table, column or schema", async () => {
    const names = tables.map((x) => x.name);
    const { rows: held } = await login.query(
      `select t as table from unnest($1::text[]) t
       where has_table_privilege(current_user, format('public.%I', t), 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
          or has_any_column_privilege(current_user, format('public.%I', t), 'SELECT, INSERT, UPDATE, REFERENCES')`,
      [names],
    );
    expect(held).toEqual([]);
    const grants = await login.query(
      "select table_name, privilege_type from information_schema.role_table_grants where grantee = current_user",
    );
    expect(grants.rows).toEqual([]);
    await expect(login.query("select count(*) from households")).rejects.toThrow(
      /permission denied for table households/,
    );
    await expect(login.query("select count(*) from tenants")).rejects.toThrow(
      /permission denied for table tenants/,
    );
    const schemas = await login.query(`
      select n.nspname from pg_namespace n
      where n.nspname in ('public', 'app', 'graphile_worker') and has_schema_privilege(current_user, n.oid, 'CREATE')`);
    expect(schemas.rows).toEqual([]);
  });

  it("neither the login role nor PUBLIC appears in any table or column ACL of public", async () => {
    const leaks = await rows<{ what: string }>(`
      select c.relname || ' → ' || coalesce(pg_get_userbyid(nullif(g.grantee, 0)), 'PUBLIC') as what
      from pg_class c, aclexplode(c.relacl) g
      where c.relnamespace = 'public'::regnamespace and (g.grantee = 0 or g.grantee = '${LOGIN.user}'::regrole)
      union all
      select c.relname || '.' || a.attname || ' → ' || coalesce(pg_get_userbyid(nullif(g.grantee, 0)), 'PUBLIC')
      from pg_attribute a join pg_class c on c.oid = a.attrelid, aclexplode(a.attacl) g
      where c.relnamespace = 'public'::regnamespace and (g.grantee = 0 or g.grantee = '${LOGIN.user}'::regrole)`);
    expect(leaks).toEqual([]);
  });
});

describe("SECURITY DEFINER functions (architecture §4)", () => {
  it("app.resolve_host is a definer with search_path set, owned by a role that bypasses RLS, executable by the login role only", async () => {
    const [fn] = await rows<{
      definer: boolean;
      config: string[] | null;
      bypass: boolean;
      grantees: string[];
    }>(`
      select p.prosecdef as definer, p.proconfig as config, (o.rolsuper or o.rolbypassrls) as bypass,
        coalesce((select array_agg(coalesce(pg_get_userbyid(nullif(g.grantee, 0))::text, 'PUBLIC') order by 1)
                  from aclexplode(p.proacl) g where g.grantee <> p.proowner), '{PUBLIC}') as grantees
      from pg_proc p join pg_roles o on o.oid = p.proowner
      where p.oid = 'app.resolve_host(text, text)'::regprocedure`);
    expect(fn?.definer).toBe(true);
    expect(fn?.config?.some((c) => /^search_path=pg_catalog\b/.test(c))).toBe(true);
    expect(fn?.bypass).toBe(true);
    expect(fn?.grantees).toEqual([LOGIN.user]);
    const { rows: personas } = await sql
      .raw<{ r: string }>(`
      select r from unnest(array['${PERSONAS.join("','")}']) r
      where has_function_privilege(r, 'app.resolve_host(text, text)', 'EXECUTE')`)
      .execute(t.owner);
    expect(personas).toEqual([]);
  });

  it("every definer in public and app has search_path set and no EXECUTE for PUBLIC", async () => {
    const fns = await rows<{ fn: string; config: string[] | null; public_exec: boolean }>(`
      select p.oid::regprocedure::text as fn, p.proconfig as config,
        (p.proacl is null or exists (select from aclexplode(p.proacl) g where g.grantee = 0)) as public_exec
      from pg_proc p
      where p.prosecdef and p.pronamespace in ('public'::regnamespace, 'app'::regnamespace)`);
    expect(fns.map((f) => f.fn)).toContain("app.resolve_host(text,text)");
    const bad = fns
      .filter((f) => !f.config?.some((c) => c.startsWith("search_path=")) || f.public_exec)
      .map((f) => `${f.fn}: search_path=${f.config ?? "unset"} public_exec=${f.public_exec}`);
    expect(bad).toEqual([]);
  });
});
