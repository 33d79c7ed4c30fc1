/** What every part of `npm run bench` shares: settings, output, cleanup. */
import { loadavg } from "node:os";
import path from "node:path";

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
export const SETTINGS = {
  towns: num("BENCH_TOWNS", 100),
  households: num("BENCH_HOUSEHOLDS", 500),
  sessionsPerTown: num("BENCH_SESSIONS_PER_TOWN", 2),
  accountsPerTown: num("BENCH_ACCOUNTS_PER_TOWN", 10),
  connections: num("BENCH_CONNECTIONS", 50),
  duration: num("BENCH_DURATION", 10),
  warmup: num("BENCH_WARMUP", 2),
  poolSize: num("BENCH_POOL_SIZE", 10),
  planningFamilies: num("BENCH_PLANNING_FAMILIES", 50),
  rushParents: num("BENCH_RUSH_PARENTS", 1000),
  rushCapacity: num("BENCH_RUSH_CAPACITY", 200),
  rushSpreadMs: num("BENCH_RUSH_SPREAD_MS", 1000),
  billingChildren: num("BENCH_BILLING_CHILDREN", 5000),
  enrolments: num("BENCH_ENROLMENTS", 500),
  invoiceParents: num("BENCH_INVOICE_PARENTS", 200),
  broadcastHouseholds: num("BENCH_BROADCAST_HOUSEHOLDS", 5000),
  inboxParents: num("BENCH_INBOX_PARENTS", 50),
  openRate: num("BENCH_OPEN_RATE", 200),
  scaleSmall: num("BENCH_SCALE_SMALL", 10),
  scaleTowns: num("BENCH_SCALE_TOWNS", 1000),
  cityChildren: num("BENCH_CITY_CHILDREN", 50_000),
};
export const TARGET = { p99Ms: 50 };
export const DOMAIN = "localhost";

/** Undone in reverse order when the bench ends or is interrupted. */
export const cleanups: Array<() => Promise<unknown>> = [];
export async function cleanup() {
  while (cleanups.length > 0) {
    const step = cleanups.pop() as () => Promise<unknown>;
    await step().catch((e: unknown) => console.error(`bench: cleanup step failed: ${String(e)}`));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 2 : 1)} s`;
export const say = (line: string) => process.stdout.write(`${line}\n`);
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

export function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(rows[0] ?? []), sep, ...rows.slice(1).map(line)].join("\n");
}

export const profileDir = () =>
  path.resolve(
    !process.env.BENCH_PROFILE || process.env.BENCH_PROFILE === "1" ? "." : process.env.BENCH_PROFILE,
  );
