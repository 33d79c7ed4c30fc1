/**
 * The rush, in its own process: an open model. Every request has its own timer, spread over
 * `spreadMs`; an arrival never waits for earlier answers. Each is one POST of the booking
 * wizard's validation with a parent's session cookie. Usage: planning-rush.ts <config.json>;
 * prints one JSON line (RushResult) on stdout.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

export interface RushConfig {
  port: number;
  host: string;
  path: string;
  spreadMs: number;
  /** One request each: the cookie value and the form body. */
  requests: { cookie: string; body: string }[];
}

export interface RushResult {
  statusCodes: Record<string, number>;
  /** Connection errors and timeouts (no HTTP answer). */
  errors: number;
  p50: number;
  p99: number;
  max: number;
  /** From the first request sent to the last answer received. */
  spanMs: number;
  /** How late the timers fired compared to the schedule (the driver's own lag). */
  maxLagMs: number;
}

/** A browser's patience (Chromium gives up on a silent request after 300 s). */
const TIMEOUT_MS = 300_000;

function post(config: RushConfig, agent: Agent, r: RushConfig["requests"][number]): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: config.port,
        method: "POST",
        path: config.path,
        agent,
        timeout: TIMEOUT_MS,
        headers: {
          host: config.host,
          origin: `http://${config.host}`,
          cookie: `__Host-parvis=${r.cookie}`,
          "content-type": "application/x-www-form-urlencoded",
          "content-length": String(Buffer.byteLength(r.body)),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end(r.body);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)
    : 0;

async function rush(config: RushConfig): Promise<RushResult> {
  // One socket per arrival, opened when its timer fires: no arrival queues behind another.
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const n = config.requests.length;
  const start = performance.now() + 50;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let maxLagMs = 0;
  let lastDone = start;
  await Promise.all(
    config.requests.map(
      (r, i) =>
        new Promise<void>((done) => {
          const at = start + (i * config.spreadMs) / n;
          setTimeout(
            async () => {
              const sent = performance.now();
              maxLagMs = Math.max(maxLagMs, sent - at);
              const status = await post(config, agent, r);
              const end = performance.now();
              lastDone = Math.max(lastDone, end);
              if (status === 0) errors++;
              else statusCodes[status] = (statusCodes[status] ?? 0) + 1;
              latencies.push(end - sent);
              done();
            },
            Math.max(0, at - performance.now()),
          );
        }),
    ),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v);
  return {
    statusCodes,
    errors,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies.at(-1) ?? 0),
    spanMs: round(lastDone - start),
    maxLagMs: round(maxLagMs),
  };
}

const config = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as RushConfig;
process.stdout.write(`${JSON.stringify(await rush(config))}\n`);
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
