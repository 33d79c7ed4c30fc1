/**
 * Open-model load (issue 17 item 2): requests arrive at a fixed rate whatever the answers do
 * (each on its own timer, as people do), rotating over a mix of pages and targets. Latency is
 * measured from each request's scheduled arrival, so a server that falls behind shows it.
 * Usage: open-load.ts <config.json>; prints one JSON line (OpenResult) on stdout.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

export interface OpenConfig {
  port: number;
  rate: number;
  durationSeconds: number;
  /** Requests rotate over these. */
  requests: { path: string; headers: Record<string, string> }[];
}

export interface OpenResult {
  sent: number;
  answered: number;
  errors: number;
  non200: number;
  p50: number;
  p99: number;
  max: number;
  /** How late the driver's timers fired (p99, ms): large values mean the driver itself lagged. */
  lagP99: number;
}

const config = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as OpenConfig;
const agent = new Agent({ keepAlive: true, maxSockets: 512 });
const latencies: number[] = [];
const lags: number[] = [];
let errors = 0;
let non200 = 0;

function one(i: number, scheduled: number): Promise<void> {
  const r = config.requests[i % config.requests.length];
  if (!r) return Promise.resolve();
  lags.push(performance.now() - scheduled);
  return new Promise((resolve) => {
    const req = request(
      { host: "127.0.0.1", port: config.port, path: r.path, headers: r.headers, agent },
      (res) => {
        res.resume();
        res.on("end", () => {
          latencies.push(performance.now() - scheduled);
          if (res.statusCode !== 200) non200++;
          resolve();
        });
      },
    );
    req.on("error", () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

const total = Math.round(config.rate * config.durationSeconds);
const start = performance.now() + 50;
const pending = Array.from(
  { length: total },
  (_, i) =>
    new Promise<void>((resolve) => {
      const at = start + (i * 1000) / config.rate;
      setTimeout(() => one(i, at).then(resolve), at - performance.now());
    }),
);
await Promise.all(pending);
agent.destroy();
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0);
};
const result: OpenResult = {
  sent: total,
  answered: latencies.length,
  errors,
  non200,
  p50: pct(latencies, 50),
  p99: pct(latencies, 99),
  max: pct(latencies, 100),
  lagP99: pct(lags, 99),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
