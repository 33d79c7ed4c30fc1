import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Logger, runMigrations } from "graphile-worker";
import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrations } from "../../migrations/index.ts";

// Any number of instances may boot at once: one prepares, the others wait for it.
const PREPARE_LOCK = "select pg_advisory_lock(hashtext('parvis:prepare'))";

/**
 * Runs `step` while holding the database-wide preparation lock (a session advisory lock on a
 * connection of its own, released when the step ends or the connection drops).
 */
export async function underPrepareLock<T>(ownerUrl: string, step: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ownerUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query(PREPARE_LOCK);
    return await step();
  } finally {
    await client.end().catch(() => {});
  }
}

export interface LoginRole {
  user: string;
  /** APP_DB_PASSWORD; absent: the password the database keeps for every instance. */
  password?: string;
  /** A password file of an earlier version (DATA_DIR), adopted once. */
  legacyFile?: string;
}

/**
 * Runs as the owner (architecture §4), under the preparation lock: applies migrations, the
 * queue's schema, and ensures the LOGIN role of the request pool, which may only switch
 * to the personas. Returns the login to connect with.
 */
export async function prepareDatabase(
  ownerUrl: string,
  login: LoginRole,
): Promise<{ user: string; password: string }> {
  return underPrepareLock(ownerUrl, () => migrateAndEnsureRoles(ownerUrl, login));
}

async function migrateAndEnsureRoles(ownerUrl: string, login: LoginRole) {
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  pool.on("error", () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === "Error");
    if (error || failed) throw new Error(`migration failed: ${failed?.migrationName ?? ""} ${String(error)}`);
    const secret = login.password
      ? { password: login.password, adopted: false }
      : await keptSecret(db, login);
    await ensureLoginRole(db, { user: login.user, ...secret });
    const queue = { ...queueLogin({ user: login.user, password: secret.password }), adopted: secret.adopted };
    await ensureQueueRole(db, queue);
    await runQueueMigrations(db, ownerUrl, queue);
    return { user: login.user, password: secret.password };
  } finally {
    await db.destroy();
  }
}

/** The kept password, created on first use (from an earlier version's file if there is one). */
async function keptSecret(db: Kysely<unknown>, login: LoginRole) {
  const kept = await readSecret(db, login.user);
  if (kept) return { password: kept, adopted: false };
  const file = login.legacyFile;
  const adopted = !!file && existsSync(file);
  if (!adopted && (await roleExists(db, login.user)))
    throw new Error(
      `The login role ${login.user} exists but its password is not known here: set APP_DB_PASSWORD (docs/operations.md)`,
    );
  const password = adopted ? readFileSync(file, "utf8").trim() : randomBytes(24).toString("base64url");
  await sql`insert into app.login_secrets (role_name, password) values (${login.user}, ${password})`.execute(
    db,
  );
  return { password, adopted };
}

async function readSecret(db: Kysely<unknown>, user: string): Promise<string | undefined> {
  const { rows } = await sql<{
    password: string;
  }>`select password from app.login_secrets where role_name = ${user}`.execute(db);
  return rows[0]?.password;
}

/**
 * Creates a LOGIN role (the login role, the queue's) with its password, without any right. An
 * existing role keeps its password: running instances are connected with it (rotating it is an
 * operator's step, docs/operations.md). The one exception is an earlier version's password file
 * just adopted: that version set it at every boot anyway.
 */
async function ensureRole(db: Kysely<unknown>, login: { user: string; password: string; adopted: boolean }) {
  const role = sql.id(login.user);
  const attrs = sql.raw("login noinherit nosuperuser nobypassrls nocreatedb nocreaterole");
  if (!(await roleExists(db, login.user)))
    await sql`create role ${role} ${attrs} password ${sql.lit(login.password)}`.execute(db);
  else if (login.adopted)
    await sql`alter role ${role} ${attrs} password ${sql.lit(login.password)}`.execute(db);
  else await sql`alter role ${role} ${attrs}`.execute(db);
  return role;
}

/** The login role: it may take every application role, never own or bypass anything. */
async function ensureLoginRole(
  db: Kysely<unknown>,
  login: { user: string; password: string; adopted: boolean },
) {
  const role = await ensureRole(db, login);
  await sql`grant app_parent, app_staff, app_operator, app_auth, app_jobs to ${role}`.execute(db);
  await sql`grant usage on schema app to ${role}`.execute(db);
  await sql`grant execute on function app.resolve_host(text, text) to ${role}`.execute(db);
}

async function roleExists(db: Kysely<unknown>, user: string): Promise<boolean> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = ${user}`.execute(db);
  return rows[0]?.n === 1;
}

/** For a process that does not prepare (web, worker): the login as `npm run migrate` left it. */
export async function preparedLogin(
  ownerUrl: string,
  login: LoginRole,
): Promise<{ user: string; password: string }> {
  if (login.password) return { user: login.user, password: login.password };
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  pool.on("error", () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const password = await readSecret(db, login.user);
    if (!password) throw new Error("The database is not prepared: run `npm run migrate` first");
    return { user: login.user, password };
  } finally {
    await db.destroy();
  }
}

/** Where an earlier version kept the generated password (adopted once, then unused). */
export function legacyPasswordFile(dataDir: string): string {
  return path.join(dataDir, "app-db-password");
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

async function ensureQueueRole(
  db: Kysely<unknown>,
  queue: { user: string; password: string; adopted: boolean },
) {
  // Like the login role, an existing queue role keeps its password (architecture §5.12).
  const role = await ensureRole(db, queue);
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

/** Same server and database as the owner URL, as the login role. */
export function loginUrl(ownerUrl: string, login: { user: string; password: string }): string {
  const url = new URL(ownerUrl);
  url.username = login.user;
  url.password = login.password;
  return url.toString();
}
