import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, get } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN } from "../helpers/constants.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/db.ts";
import { freePort } from "../helpers/ports.ts";
import { spawnEntry } from "../helpers/processes.ts";

/** Issue 9 item 2: shutdown bounded by a deadline whatever clients do; `npm start` and Ctrl-C. */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const DEADLINE_MS = 1500;

/** A login on a keep-alive connection whose body is held back until `release` is called. */
function slowLogin(port: number) {
  const body = "identifier=nobody%40sene.test&password=wrong-password";
  const socket = connect(port, "127.0.0.1");
  socket.write(
    `POST /connexion HTTP/1.1\r\nHost: sene.localhost:${port}\r\nOrigin: http://sene.localhost:${port}\r\n` +
      `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
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

/** A keep-alive client asking for the home page over and over until its connection is refused. */
function busyClient(port: number, signalled: () => boolean) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const seen = { afterSignal: 0 };
  const loop = (async () => {
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const req = get(
          { port, host: "127.0.0.1", path: "/", agent, headers: { Host: `sene.localhost:${port}` } },
          (res) => {
            res.resume();
            res.on("end", () => {
              if (signalled()) seen.afterSignal++;
              resolve(true);
            });
          },
        );
        req.on("error", () => resolve(false));
      });
      if (!ok) return seen;
    }
  })();
  return loop.finally(() => agent.destroy());
}

describe("bounded shutdown", () => {
  it("SIGTERM with busy keep-alive clients, one in flight and one stuck in its headers: Connection: close, exit 0 by the deadline", async () => {
    const web = spawnEntry("src/web.ts", {
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      DATABASE_URL: t.ownerUrl,
      APP_DB_USER: LOGIN.user,
      APP_DB_PASSWORD: LOGIN.password,
      SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
    });
    const port = await web.port();
    let signalled = false;
    const clients = [0, 1, 2].map(() => busyClient(port, () => signalled));
    const stuck = connect(port, "127.0.0.1");
    stuck.write(`GET / HTTP/1.1\r\nHost: sene.localhost:${port}\r\nX-Partial: `);
    const stuckClosed = new Promise<void>((r) => stuck.on("close", () => r()));
    stuck.on("error", () => {});
    const inflight = slowLogin(port);
    await new Promise((r) => setTimeout(r, 500));
    const started = performance.now();
    signalled = true;
    web.process.kill("SIGTERM");
    await web.waitFor(/"msg":"shutting down"/);
    inflight.release();
    const exit = await web.exited;
    const elapsed = Math.round(performance.now() - started);
    const seen = await Promise.all(clients);
    await stuckClosed;
    console.info(`shutdown with a stuck client: ${elapsed} ms (deadline ${DEADLINE_MS} ms)`, seen);
    expect(exit).toEqual({ code: 0, signal: null });
    // Each busy client got at most the request in flight and one more, then was cut off.
    for (const s of seen) expect(s.afterSignal).toBeLessThanOrEqual(2);
    // The request in flight was finished, told to close its connection, and the socket closed.
    const raw = await inflight.response;
    expect(raw).toMatch(/^HTTP\/1\.1 401/);
    expect(raw.toLowerCase()).toContain("connection: close");
    expect(web.output()).toContain('"msg":"stopped"');
  }, 180_000);

  it("`npm start` under Ctrl-C (SIGINT to the whole process group): exit 0, PostgreSQL stopped last", async () => {
    const startScript: string = JSON.parse(readFileSync("package.json", "utf8")).scripts.start;
    const dataDir = mkdtempSync(path.join(tmpdir(), "parvis-ctrlc-"));
    // As root, PostgreSQL runs as the "postgres" user, who must be able to enter the folder.
    chmodSync(dataDir, 0o755);
    const pgPort = await freePort();
    let gone = false;
    const child = spawn("sh", ["-c", `exec env ${startScript}`], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "test",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(pgPort),
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, as a terminal's foreground job.
      detached: true,
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d.toString();
    });
    child.stderr.on("data", (d) => {
      out += d.toString();
    });
    try {
      const exited = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => {
          gone = true;
          resolve(code);
        }),
      );
      while (!out.includes('"msg":"listening"')) {
        if (gone) throw new Error(out);
        await new Promise((r) => setTimeout(r, 100));
      }
      process.kill(-(child.pid ?? 0), "SIGINT");
      expect(await exited).toBe(0);
      expect(out).toContain('"msg":"stopped"');
      // PostgreSQL got no signal of its own: the app's connections were never cut under it.
      expect(out).not.toContain("database connection lost");
      expect(out).not.toContain("shutdown step failed");
      const refused = await new Promise<boolean>((resolve) => {
        const s = connect(pgPort, "127.0.0.1");
        s.on("connect", () => resolve(false));
        s.on("error", () => resolve(true));
      });
      expect(refused).toBe(true);
    } finally {
      if (!gone) process.kill(-(child.pid ?? 0), "SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
