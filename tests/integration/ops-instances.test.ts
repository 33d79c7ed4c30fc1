import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildWeb } from "../../src/build.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { type Child, overHttp, spawnEntry } from "../helpers/processes.ts";

/**
 * Issue 9 item 3: instances side by side on one database, without APP_DB_PASSWORD (the
 * password the database keeps), booting at the same time (the preparation lock), and a
 * migration step run while they serve: none locks the others out.
 */
let t: TestDatabase;
const role = `parvis_inst_${randomBytes(4).toString("hex")}`;
const dirs: string[] = [];
const children: Child[] = [];
const IDLE_MS = 300;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const c of children)
    if (c.alive()) {
      c.process.kill("SIGTERM");
      await c.exited;
    }
  await t?.close();
  const admin = new pg.Client({ connectionString: inject("adminUrl") });
  await admin.connect();
  await admin.query(`drop role if exists ${role}`);
  await admin.end();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function start(entry: string, nodeArgs?: string[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "parvis-inst-"));
  dirs.push(dataDir);
  const child = spawnEntry(
    entry,
    {
      NODE_ENV: "test",
      DEMO: "false",
      // The worker has nothing to send here.
      SMTP_URL: "smtp://127.0.0.1:9",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      DATABASE_URL: t.ownerUrl,
      DATA_DIR: dataDir,
      APP_DB_USER: role,
      DB_POOL_SIZE: "2",
      DB_IDLE_TIMEOUT_MS: String(IDLE_MS),
    },
    nodeArgs,
  );
  children.push(child);
  return child;
}

const status = async (port: number, p: string) =>
  (await overHttp(port).request(`http://x${p}`, { headers: { Host: `sene.localhost:${port}` } })).status;

/** Both answer 200 on pages that need a fresh database connection, for several idle timeouts. */
async function bothServe(ports: number[]) {
  const until = performance.now() + 5 * IDLE_MS;
  while (performance.now() < until) {
    for (const port of ports) {
      expect(await status(port, "/readyz")).toBe(200);
      expect(await status(port, "/connexion")).toBe(200);
    }
    await new Promise((r) => setTimeout(r, IDLE_MS / 2));
  }
}

describe("several instances on one database", () => {
  it("two servers booting together, then a migration step: both keep answering 200 past the pool's idle timeout", async () => {
    const [a, b] = [start("src/server.ts"), start("src/server.ts")];
    const ports = [await a.port(), await b.port()];
    await bothServe(ports);
    const migrate = start("src/migrate.ts");
    expect((await migrate.exited).code).toBe(0);
    await bothServe(ports);
  }, 240_000);

  it("the web process as deployed (npm run build, then npm run web) serves the pages and their assets", async () => {
    const web = start(await buildWeb(), ["--enable-source-maps"]);
    const port = await web.port();
    const get = (p: string) =>
      overHttp(port).request(`http://x${p}`, { headers: { Host: `sene.localhost:${port}` } });
    expect((await get("/readyz")).status).toBe(200);
    const page = await get("/connexion");
    expect(page.status).toBe(200);
    const css = /href="(\/assets\/app\.[0-9a-f]{10}\.css)"/.exec(await page.text())?.[1];
    expect(css).toBeDefined();
    const sheet = await get(css as string);
    expect(sheet.status).toBe(200);
    expect(await sheet.text()).toContain("--town-primary");
  }, 120_000);
});
