/**
 * Issue 16, items 9 and 10, on a running server: every connection it holds to the database
 * is listed and none may bypass RLS (the queue has its own role owning only its schema), and
 * the demo's PayFiP simulator listens on loopback even when the portal listens everywhere.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueLogin } from "../../src/db/prepare.ts";
import { loadEnv } from "../../src/env.ts";
import { createLogger } from "../../src/lib/log.ts";
import { type Platform, startPlatform } from "../../src/platform.ts";
import { LOGIN } from "../helpers/constants.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";

let t: TestDatabase;
let dataDir: string;
let platform: Platform;
let probe: pg.Client;
beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), "parvis-conn-"));
  probe = new pg.Client({ connectionString: t.ownerUrl });
  await probe.connect();
  const env = loadEnv({
    NODE_ENV: "test",
    DEMO: "true",
    PORT: "0",
    HOST: "0.0.0.0",
    LOG_LEVEL: "silent",
    DATABASE_URL: t.ownerUrl,
    DATA_DIR: dataDir,
    APP_DB_USER: LOGIN.user,
    APP_DB_PASSWORD: LOGIN.password,
  });
  platform = await startPlatform(env, createLogger("silent", false), { listen: true });
}, 120_000);
afterAll(async () => {
  await platform?.close();
  await probe?.end();
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Held {
  usename: string;
  rolsuper: boolean;
  rolbypassrls: boolean;
}

describe("the connections a running server holds", () => {
  it("are all the request role's or the queue's, neither superuser nor BYPASSRLS", async () => {
    // The request pool has a connection open; the queue's is open since boot.
    expect((await fetch(`http://127.0.0.1:${platform.port}/readyz`)).status).toBe(200);
    const { rows } = await probe.query<Held>(
      `select a.usename, r.rolsuper, r.rolbypassrls from pg_stat_activity a join pg_roles r on r.rolname = a.usename
        where a.datname = current_database() and a.pid <> pg_backend_pid()`,
    );
    const roles = new Set(rows.map((r) => r.usename));
    expect(roles).toEqual(new Set([LOGIN.user, queueLogin(LOGIN).user]));
    for (const r of rows) expect([r.usename, r.rolsuper, r.rolbypassrls]).toEqual([r.usename, false, false]);
  });

  it("the queue's role owns the queue's schema and nothing else", async () => {
    const queue = queueLogin(LOGIN).user;
    const { rows } = await probe.query<{ nspname: string }>(
      `select distinct n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relowner = (select oid from pg_roles where rolname = $1) and n.nspname <> 'pg_toast'
       union select nspname from pg_namespace where nspowner = (select oid from pg_roles where rolname = $1)`,
      [queue],
    );
    expect(rows.map((r) => r.nspname)).toEqual(["graphile_worker"]);
    const { rows: towns } = await probe.query<{ ok: boolean }>(
      "select has_table_privilege($1, 'households', 'select') as ok",
      [queue],
    );
    expect(towns[0]?.ok).toBe(false);
  });

  it("the PayFiP simulator listens on loopback only", () => {
    expect(platform.payfipUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });
});
