import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:http";
import { type AddressInfo, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env.ts";
import { createLogger } from "../../src/lib/log.ts";
import { startPlatform } from "../../src/platform.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";

const startScript: string = JSON.parse(readFileSync("package.json", "utf8")).scripts.start;

let t: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  t = await createTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), "parvis-life-"));
});
afterAll(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const baseEnv = () => ({
  NODE_ENV: "test",
  DEMO: "true",
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "silent",
  DATABASE_URL: t.ownerUrl,
  DATA_DIR: dataDir,
  APP_DB_USER: "parvis_life_app",
  APP_DB_PASSWORD: "parvis-life-app-password",
});

async function counts() {
  const q = (table: "tenants" | "households" | "users" | "operators") =>
    t.owner
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  return {
    tenants: await q("tenants"),
    households: await q("households"),
    users: await q("users"),
    operators: await q("operators"),
  };
}

/** A raw HTTP request whose body is held back until `release` is called. */
function slowLogin(port: number) {
  const body = "identifier=lola.test%40sene.test&password=wrong-password";
  const socket = connect(port, "127.0.0.1");
  socket.write(
    `POST /connexion HTTP/1.1\r\nHost: sene.localhost:${port}\r\nOrigin: http://sene.localhost:${port}\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
  );
  const response = new Promise<string>((resolve) => {
    let data = "";
    socket.on("data", (d) => {
      data += d.toString();
    });
    socket.on("close", () => resolve(data));
  });
  return { release: () => socket.write(body), response };
}

describe("boot and shutdown", () => {
  it("a second start reuses the data and adds nothing", async () => {
    const env = loadEnv(baseEnv());
    const log = createLogger("silent", false);
    const first = await startPlatform(env, log, { listen: false });
    await first.close();
    const before = await counts();
    expect(before.tenants).toBe(3);
    expect(before.households).toBeGreaterThanOrEqual(4);
    const second = await startPlatform(env, log, { listen: false });
    await second.close();
    expect(await counts()).toEqual(before);
  });

  it("a port already taken fails the start with EADDRINUSE, and what had started stops again", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
    const port = (taken.address() as AddressInfo).port;
    try {
      const env = loadEnv({ ...baseEnv(), PORT: String(port) });
      await expect(startPlatform(env, createLogger("silent", false), { listen: true })).rejects.toMatchObject(
        {
          code: "EADDRINUSE",
        },
      );
      // The database pool it had opened is closed: no connection of its login is left.
      const left = await t.owner
        .selectFrom(sql<{ usename: string }>`pg_stat_activity`.as("a"))
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("a.usename", "=", "parvis_life_app")
        .executeTakeFirstOrThrow();
      expect(Number(left.n)).toBe(0);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it("close() stops accepting but lets an in-flight request finish", async () => {
    const platform = await startPlatform(loadEnv(baseEnv()), createLogger("silent", false), { listen: true });
    const inflight = slowLogin(platform.port);
    await new Promise((r) => setTimeout(r, 200));
    let closed = false;
    const closing = platform.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(false);
    inflight.release();
    const raw = await inflight.response;
    expect(raw).toMatch(/^HTTP\/1\.1 401/);
    await closing;
    await expect(fetch(`http://127.0.0.1:${platform.port}/livez`)).rejects.toThrow();
  });

  it("`npm start`'s command runs the demo and exits cleanly on SIGTERM", async () => {
    // The start script itself, through sh as npm runs it, without DEMO set: it must turn the demo on.
    const { DEMO: _demo, ...env } = { ...baseEnv(), LOG_LEVEL: "info", NODE_ENV: "test" };
    const child = spawn("sh", ["-c", `exec env ${startScript}`], {
      env: { ...process.env, ...env, DEMO: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listen line:\n${out}`)), 60_000);
      child.stdout.on("data", () => {
        const m = out.match(/"port":(\d+),"msg":"listening"/);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    // fetch() will not send another Host: ask with node:http, as a browser on mail.localhost would.
    const mailbox = await new Promise<number>((resolve, reject) =>
      get({ port, path: "/", headers: { Host: `mail.localhost:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on("error", reject),
    );
    expect(mailbox).toBe(200);
    expect(out).toContain("Parvis est prêt.");
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain('"msg":"shutting down"');
  }, 90_000);
});
