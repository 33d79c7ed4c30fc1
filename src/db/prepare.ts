import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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

/**
 * Runs as the owner (DESIGN §4), under the preparation lock: applies migrations, the
 * queue's schema, and ensures the LOGIN role of the request pool, which may only switch
 * to the personas.
 */
export async function prepareDatabase(
  ownerUrl: string,
  login: { user: string; password: string },
): Promise<void> {
  await underPrepareLock(ownerUrl, () => migrateAndEnsureRoles(ownerUrl, login));
}

async function migrateAndEnsureRoles(ownerUrl: string, login: { user: string; password: string }) {
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  pool.on("error", () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === "Error");
    if (error || failed) throw new Error(`migration failed: ${failed?.migrationName ?? ""} ${String(error)}`);
    await runMigrations({ connectionString: ownerUrl, logger: new Logger(() => () => {}) });
    await ensureLoginRole(db, login);
  } finally {
    await db.destroy();
  }
}

/**
 * Creates the login role with its password, or keeps an existing one's password: other
 * instances are connected with it (rotating it is an operator's step, docs/operations.md).
 */
async function ensureLoginRole(db: Kysely<unknown>, login: { user: string; password: string }) {
  const role = sql.id(login.user);
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from pg_roles where rolname = ${login.user}`.execute(db);
  const attrs = sql.raw("login noinherit nosuperuser nobypassrls nocreatedb nocreaterole");
  if (rows[0]?.n === 0)
    await sql`create role ${role} ${attrs} password ${sql.lit(login.password)}`.execute(db);
  else await sql`alter role ${role} ${attrs}`.execute(db);
  await sql`grant app_parent, app_staff, app_operator, app_auth, app_jobs to ${role}`.execute(db);
  await sql`grant usage on schema app to ${role}`.execute(db);
  await sql`grant execute on function app.resolve_host(text, text) to ${role}`.execute(db);
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
