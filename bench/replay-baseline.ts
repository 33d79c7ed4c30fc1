/**
 * The recorded raw baselines (replay.ts): a bare node:http server that, per request, runs
 * the statements the portal sent for the same page and target, in ONE `pg` transaction as
 * the same login role with the same pool size, and answers a small HTML page of row counts.
 * Usage: replay-baseline.ts <config.json>; prints {"port":…} once listening.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { REPLAY_HEADER, type Script } from "./replay.ts";

export interface ReplayConfig {
  loginUrl: string;
  poolSize: number;
  /** scenario -> one script per target, in the targets' order. */
  scripts: Record<string, Script[]>;
}

const config = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as ReplayConfig;
const pool = new pg.Pool({
  connectionString: config.loginUrl,
  max: config.poolSize,
  idleTimeoutMillis: 30_000,
});
pool.on("error", () => {});

async function replay(script: Script): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query("begin", []);
    const counts: number[] = [];
    for (const s of script) counts.push((await client.query(s.text, s.values)).rowCount ?? 0);
    await client.query("commit", []);
    return counts;
  } catch (e) {
    await client.query("rollback", []).catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

let told = false;
const server = createServer((req, res) => {
  const [scenario = "", index = ""] = String(req.headers[REPLAY_HEADER] ?? "").split("/");
  const script = config.scripts[scenario]?.[Number(index)];
  if (!script) {
    res.writeHead(404).end();
    return;
  }
  replay(script).then(
    (counts) =>
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(`<!doctype html><html lang="fr"><title>${scenario}</title><p>${counts.join(" ")}</p></html>`),
    (e: unknown) => {
      if (!told) process.stderr.write(`replay-baseline: ${scenario}: ${String(e)}\n`);
      told = true;
      res.writeHead(500).end();
    },
  );
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
});
