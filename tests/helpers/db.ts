import { randomBytes } from "node:crypto";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { inject } from "vitest";
import { createDatabase, type Database, resilientPool } from "../../src/db/database.ts";
import { loginUrl } from "../../src/db/prepare.ts";
import type { DB } from "../../src/db/types.ts";
import { LOGIN, TEMPLATE, withDatabase } from "./constants.ts";

export interface TestDatabase {
  /** The app's database handle: login role, personas, RLS. */
  db: Database;
  /** Owner connection, for the tests' own checks only (it bypasses nothing the app relies on). */
  owner: Kysely<DB>;
  ownerUrl: string;
  loginUrl: string;
  close(): Promise<void>;
}

/** A fresh copy of the migrated, provisioned template on the run's cluster, as its owner. */
export async function cloneTemplate(): Promise<{ ownerUrl: string; drop(): Promise<void> }> {
  const adminUrl = inject("adminUrl");
  const name = `parvis_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template ${TEMPLATE}`);
  await admin.end();
  return {
    ownerUrl: withDatabase(adminUrl, name),
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/**
 * The tests' own owner connection to a database. Its pool listens for connection errors like
 * the app's (`resilientPool`): a connection ended while its database is dropped at the end of
 * a file must not surface as an uncaught error in the worker that runs the next file.
 */
export function ownerDb(ownerUrl: string, max = 2): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: resilientPool(ownerUrl, { max }) }) });
}

/** A fresh copy of the migrated, provisioned template: each test file has its own database. */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const { ownerUrl, drop } = await cloneTemplate();
  const appUrl = loginUrl(ownerUrl, LOGIN);
  const db = createDatabase(appUrl, { max: options.poolSize ?? 4 });
  const owner = ownerDb(ownerUrl);
  return {
    db,
    owner,
    ownerUrl,
    loginUrl: appUrl,
    async close() {
      await db.close();
      await owner.destroy();
      await drop();
    },
  };
}

export async function tenantId(t: TestDatabase, slug: string): Promise<string> {
  const row = await t.owner
    .selectFrom("tenants")
    .select("id")
    .where("slug", "=", slug)
    .executeTakeFirstOrThrow();
  return row.id;
}
