import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Logger, runMigrations } from "graphile-worker";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrations } from "../../migrations/index.ts";

/**
 * Runs as the owner (DESIGN §4): applies migrations, the queue's schema, and ensures the
 * LOGIN role of the request pool, which may only switch to the personas.
 */
export async function prepareDatabase(
  ownerUrl: string,
  login: { user: string; password: string },
): Promise<void> {
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === "Error");
    if (error || failed) throw new Error(`migration failed: ${failed?.migrationName ?? ""} ${String(error)}`);
    await ensureQueueRole(db, queueLogin(login));
    await runQueueMigrations(db, ownerUrl, queueLogin(login));
    await ensureLoginRole(db, login);
  } finally {
    await db.destroy();
  }
}

async function ensureLoginRole(db: Kysely<unknown>, login: { user: string; password: string }) {
  const role = sql.id(login.user);
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = ${login.user}`.execute(db);
  const attrs = sql.raw("login noinherit nosuperuser nobypassrls nocreatedb nocreaterole");
  if (rows[0]?.n === 0)
    await sql`create role ${role} ${attrs} password ${sql.lit(login.password)}`.execute(db);
  else await sql`alter role ${role} ${attrs} password ${sql.lit(login.password)}`.execute(db);
  await sql`grant app_parent, app_staff, app_operator, app_auth, app_jobs to ${role}`.execute(db);
  await sql`grant usage on schema app to ${role}`.execute(db);
  await sql`grant execute on function app.resolve_host(text, text) to ${role}`.execute(db);
}

/**
 * The job queue's LOGIN role (issue 16): it owns the graphile_worker schema and nothing else,
 * and is neither superuser nor BYPASSRLS, so no long-lived connection of a server process
 * runs as the owner. It shares the login role's secret (one secret to provision), never its rights.
 */
export const queueLogin = (login: { user: string; password: string }) => ({
  user: `${login.user}_queue`,
  password: login.password,
});

async function ensureQueueRole(db: Kysely<unknown>, queue: { user: string; password: string }) {
  const role = sql.id(queue.user);
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_roles where rolname = ${queue.user}`.execute(db);
  const attrs = sql.raw("login noinherit nosuperuser nobypassrls nocreatedb nocreaterole");
  if (rows[0]?.n === 0)
    await sql`create role ${role} ${attrs} password ${sql.lit(queue.password)}`.execute(db);
  else await sql`alter role ${role} ${attrs} password ${sql.lit(queue.password)}`.execute(db);
  // The owner's enqueueing triggers (SECURITY DEFINER) reach add_job through this membership.
  await sql`grant ${role} to current_user`.execute(db);
  await sql`create schema if not exists graphile_worker authorization ${role}`.execute(db);
  await handOverQueueSchema(db, queue.user);
}

/**
 * graphile-worker's own migrations, as the queue's role so that what they create is its own.
 * They begin with CREATE SCHEMA IF NOT EXISTS, which asks for CREATE on the database even
 * when the schema exists: granted for the run only.
 */
async function runQueueMigrations(
  db: Kysely<unknown>,
  ownerUrl: string,
  queue: { user: string; password: string },
) {
  const grant = sql`grant create on database ${sql.id(decodeURIComponent(new URL(ownerUrl).pathname.slice(1)))} to ${sql.id(queue.user)}`;
  const revoke = sql`revoke create on database ${sql.id(decodeURIComponent(new URL(ownerUrl).pathname.slice(1)))} from ${sql.id(queue.user)}`;
  await grant.execute(db);
  try {
    await runMigrations({ connectionString: loginUrl(ownerUrl, queue), logger: new Logger(() => () => {}) });
  } finally {
    await revoke.execute(db);
  }
}

/** A schema created before the queue had its own role: every object in it changes hands (sequences follow their tables). */
async function handOverQueueSchema(db: Kysely<unknown>, user: string) {
  await sql`
    do $$
    declare r record; target text := ${sql.lit(user)};
    begin
      execute format('alter schema graphile_worker owner to %I', target);
      for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'graphile_worker' and c.relkind in ('r', 'p', 'v')
                 and c.relowner <> (select oid from pg_roles where rolname = target) loop
        execute format('alter %s graphile_worker.%I owner to %I',
          case r.relkind when 'v' then 'view' else 'table' end, r.relname, target);
      end loop;
      for r in select p.oid::regprocedure as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = 'graphile_worker' and p.proowner <> (select oid from pg_roles where rolname = target) loop
        execute format('alter routine %s owner to %I', r.sig, target);
      end loop;
      for r in select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
               where n.nspname = 'graphile_worker' and t.typtype in ('c', 'e', 'd') and t.typrelid = 0
                 and t.typowner <> (select oid from pg_roles where rolname = target) loop
        execute format('alter type graphile_worker.%I owner to %I', r.typname, target);
      end loop;
    end $$`.execute(db);
}

/** The request pool's password: from the environment, else generated once and kept in DATA_DIR. */
export function loginPassword(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, "app-db-password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const password = randomBytes(24).toString("base64url");
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/** Same server and database as the owner URL, as the login role. */
export function loginUrl(ownerUrl: string, login: { user: string; password: string }): string {
  const url = new URL(ownerUrl);
  url.username = login.user;
  url.password = login.password;
  return url.toString();
}
