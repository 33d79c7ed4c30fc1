import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "../helpers/client.ts";
import {
  type Child,
  type OwnCluster,
  overHttp,
  ownCluster,
  spawnEntry,
  until,
} from "../helpers/processes.ts";

/**
 * Issue 9 item 1: database faults under load, for real. The whole platform runs as a child
 * process (src/server.ts) on a cluster this test owns; the test ends busy connections,
 * restarts PostgreSQL and kill -9s it while two parents keep loading pages.
 */
let cluster: OwnCluster;
let server: Child;
let port: number;
let dataDir: string;
const APP_USER = "parvis_ops_app";
const measured: Record<string, number> = {};

beforeAll(async () => {
  cluster = await ownCluster();
  dataDir = mkdtempSync(path.join(tmpdir(), "parvis-ops-db-"));
  server = spawnEntry("src/server.ts", {
    NODE_ENV: "test",
    DEMO: "true",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    DATABASE_URL: cluster.url,
    DATA_DIR: dataDir,
    APP_DB_USER: APP_USER,
    APP_DB_PASSWORD: "parvis-ops-app-password",
    DB_POOL_SIZE: "4",
  });
  port = await server.port();
}, 240_000);

afterAll(async () => {
  if (server?.alive()) {
    server.process.kill("SIGTERM");
    await server.exited;
  }
  await cluster?.close();
  rmSync(dataDir, { recursive: true, force: true });
  console.info("recovery (ms):", measured);
});

const HOST = () => `sene.localhost:${port}`;
type Seen = { status: number; body: string };

async function parent(email: string) {
  const c = client(overHttp(port) as never, HOST());
  expect((await c.login(email, "Parvis-Demo-2026")).status).toBe(303);
  return c;
}

/** Two parents loading their household page (one transaction each) until `fault` has run. */
async function load(fault: () => Promise<unknown>) {
  const parents = [await parent("lola.test@sene.test"), await parent("lola.test@sene.test")];
  const stop = (async () => {
    await new Promise((r) => setTimeout(r, 200));
    await fault();
  })();
  const seen: Seen[] = [];
  let running = true;
  void stop.then(() => {
    running = false;
  });
  await Promise.all(
    parents.map(async (p) => {
      while (running) {
        const res = await p.get("/foyer");
        seen.push({ status: res.status, body: await res.text() });
      }
    }),
  );
  return seen;
}

/** Every failed request got the French 503 page with a request id; nothing else went wrong. */
function expectOnly200Or503(seen: Seen[]) {
  expect(seen.length).toBeGreaterThan(0);
  for (const s of seen) {
    expect([200, 503]).toContain(s.status);
    if (s.status === 503) {
      expect(s.body).toContain("Service momentanément indisponible");
      expect(s.body).toMatch(/communiquez cette référence à la mairie : <code>[\w-]{8,}<\/code>/);
      expect(s.body).not.toMatch(
        /ECONNREFUSED|terminating connection|Connection terminated|administrator command/,
      );
    }
  }
}

const page = async (p: string) =>
  (await overHttp(port).request(`http://x${p}`, { headers: { Host: HOST() } })).status;

describe("database faults under load", () => {
  it("busy connections ended with pg_terminate_backend: 503 pages, the process lives, the next requests succeed", async () => {
    const seen = await load(async () => {
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await cluster.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and state <> 'idle'",
          [APP_USER],
        );
      }
    });
    expectOnly200Or503(seen);
    expect(server.alive()).toBe(true);
    const p = await parent("lola.test@sene.test");
    expect((await p.get("/foyer")).status).toBe(200);
  });

  it("PostgreSQL restarted: 503 and /readyz 503 while it is down, then served again without a restart", async () => {
    const p = await parent("lola.test@sene.test");
    expectOnly200Or503(await load(() => cluster.stop()));
    const res = await p.get("/foyer");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("Service momentanément indisponible");
    expect(await page("/readyz")).toBe(503);
    expect(server.alive()).toBe(true);
    await cluster.start();
    measured.restart = await until(async () => (await p.get("/foyer")).status === 200);
    expect(await page("/readyz")).toBe(200);
  });

  it("PostgreSQL killed (kill -9 of the postmaster) under load, then started again: served again, e-mails still go", async () => {
    const p = await parent("lola.test@sene.test");
    expectOnly200Or503(await load(() => cluster.kill9()));
    expect(server.alive()).toBe(true);
    await cluster.start();
    measured.kill9 = await until(async () => (await p.get("/foyer")).status === 200);
    // The job worker resumed by itself: a new e-mail goes out.
    const visitor = client(overHttp(port) as never, HOST());
    expect((await visitor.post("/mot-de-passe-oublie", { identifier: "lola.test@sene.test" })).status).toBe(
      200,
    );
    measured.mailAfterKill9 = await until(async () => {
      const rows = await cluster.query<{ n: number }>(
        "select count(*)::int as n from outbox where sent_at is not null and created_at > now() - interval '1 minute'",
      );
      return (rows[0]?.n ?? 0) > 0;
    }, 200);
    expect(server.alive()).toBe(true);
  });

  it("a failure before the town is known (the database refusing the login) gives the French page and one log line", async () => {
    await cluster.query(`alter role ${APP_USER} nologin`);
    try {
      await cluster.query("select pg_terminate_backend(pid) from pg_stat_activity where usename = $1", [
        APP_USER,
      ]);
      const res = await overHttp(port).request("http://x/", {
        headers: { Host: `inconnue.localhost:${port}` },
      });
      expect(res.status).toBe(503);
      const body = await res.text();
      expect(body).toContain("<h1>Service momentanément indisponible</h1>");
      expect(body).toContain(res.headers.get("x-request-id") ?? "missing");
      const id = res.headers.get("x-request-id") ?? "";
      await server.waitFor(new RegExp(`"requestId":"${id}"`));
      await page("/livez");
      const lines = server
        .output()
        .split("\n")
        .filter((l) => l.includes(id));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('"msg":"database unavailable"');
    } finally {
      await cluster.query(`alter role ${APP_USER} login`);
    }
  });
});
