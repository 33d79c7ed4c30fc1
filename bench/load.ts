/**
 * One autocannon run, in its own process so the load generator does not share the server's
 * event loop. Usage: load.ts <config.json>; prints one JSON line (LoadResult) on stdout.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface LoadTarget {
  headers: Record<string, string>;
  body?: string;
}

export interface LoadConfig {
  url: string;
  method: "GET" | "POST";
  path: string;
  connections: number;
  /** Seconds measured, after `warmup` seconds that are not. */
  duration: number;
  warmup: number;
  /** Requests rotate over these (host, cookie, body…), one after the other across connections. */
  targets: LoadTarget[];
}

export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  /** Requests of the warm-up, not in the figures (but in the CPU time the parent measures). */
  warmupTotal: number;
  durationSeconds: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
}

interface RequestData {
  headers: Record<string, string>;
  body?: string;
  [key: string]: unknown;
}

interface AutocannonResult {
  warmup?: { requests: Histogram };
  requests: Histogram;
  latency: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}

type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const config = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as LoadConfig;
let next = 0;

const result = await autocannon({
  url: config.url,
  method: config.method,
  connections: config.connections,
  duration: config.duration,
  timeout: 10,
  ...(config.warmup > 0 ? { warmup: { connections: config.connections, duration: config.warmup } } : {}),
  requests: [
    {
      method: config.method,
      path: config.path,
      setupRequest(req: RequestData) {
        const target = config.targets[next++ % config.targets.length] as LoadTarget;
        req.headers = { ...req.headers, ...target.headers };
        if (target.body !== undefined) req.body = target.body;
        return req;
      },
    },
  ],
});

const out: LoadResult = {
  requestsPerSecond: result.requests.average,
  total: result.requests.total,
  warmupTotal: result.warmup?.requests.total ?? 0,
  durationSeconds: result.duration,
  p50: result.latency.p50,
  p90: result.latency.p90,
  p99: result.latency.p99,
  max: result.latency.max,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
// The parent samples this process's CPU time before it stops it; it goes with the parent too.
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
