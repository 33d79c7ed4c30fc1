/** Closed-loop scenarios (autocannon in its own process) and the targets they send. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { DOMAIN, sleep } from "./common.ts";
import { type CpuUse, cpuSample, cpuUse } from "./cpu.ts";
import { BENCH_PASSWORD, type GeneratedData } from "./generate.ts";
import type { LoadConfig, LoadResult, LoadTarget } from "./load.ts";
import { forkScript, httpRequest } from "./proc.ts";

export function hostOf(slug: string, port: number) {
  return `${slug}.${DOMAIN}:${port}`;
}

export function homeTargets(data: GeneratedData, port: number): LoadTarget[] {
  return data.sessions.map((s) => ({
    headers: { host: hostOf(s.slug, port), cookie: `__Host-parvis=${s.token}` },
  }));
}

export function loginTargets(data: GeneratedData, port: number): LoadTarget[] {
  return data.accounts.map((a) => ({
    headers: {
      host: hostOf(a.slug, port),
      origin: `http://${hostOf(a.slug, port)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ identifier: a.identifier, password: BENCH_PASSWORD }).toString(),
  }));
}

/** Each scenario's targets answer as expected before any load is sent. */
export async function preflight(data: GeneratedData, appPort: number, baselinePort: number) {
  const [s] = data.sessions;
  const [a] = data.accounts;
  if (!s || !a) throw new Error("no generated sessions or accounts");
  const [home] = homeTargets(data, appPort);
  const r1 = await httpRequest(appPort, { headers: home?.headers });
  if (r1.status !== 200 || !r1.body.includes(s.householdName))
    throw new Error(`preflight: home page answered ${r1.status} without « ${s.householdName} »`);
  const [base] = homeTargets(data, baselinePort);
  const r2 = await httpRequest(baselinePort, { headers: base?.headers });
  if (r2.status !== 200 || !r2.body.includes(s.householdName))
    throw new Error(`preflight: baseline answered ${r2.status} without « ${s.householdName} »`);
  const [login] = loginTargets(data, appPort);
  const r3 = await httpRequest(appPort, { method: "POST", path: "/connexion", ...login });
  const cookie = String(r3.headers["set-cookie"] ?? "");
  if (r3.status !== 303 || !cookie.includes("__Host-parvis="))
    throw new Error(`preflight: login answered ${r3.status} (${r3.body.slice(0, 200)})`);
}

export interface Scenario {
  name: string;
  expect: number;
  result: LoadResult;
  cpu: CpuUse | null;
  /** The process that answered (portal or baseline) and the load generator. */
  serverPid: number;
  loadPid: number;
}

export async function runLoad(
  dir: string,
  name: string,
  config: LoadConfig,
): Promise<{ result: LoadResult; cpu: CpuUse | null; loadPid: number }> {
  const file = path.join(dir, `load-${name.replace(/\W+/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(config));
  const before = cpuSample();
  const started = performance.now();
  const child = forkScript<LoadResult>("load.ts", [file]);
  try {
    const result = await child.message;
    return {
      result,
      cpu: cpuUse(before, cpuSample(), performance.now() - started),
      loadPid: child.process.pid ?? -1,
    };
  } finally {
    await child.stop();
  }
}

/** CPU milliseconds per request (warm-up included on both sides) of a process, or of PostgreSQL. */
export function cpuPerRequest(s: Scenario, who: number | "postgres"): number | null {
  // A server on BENCH_DATABASE_URL is not ours to measure (if local, it shows under "others").
  if (!s.cpu || (who === "postgres" && process.env.BENCH_DATABASE_URL)) return null;
  let ms = 0;
  for (const [pid, g] of s.cpu.ms) if (who === "postgres" ? g.comm === "postgres" : pid === who) ms += g.ms;
  return ms / Math.max(1, s.result.total + s.result.warmupTotal);
}

/**
 * autocannon closes its sockets when time is up, but logins already accepted keep running
 * (argon2, then their second transaction): let them finish before the pool is closed.
 */
export async function drain(ownerUrl: string, role: string, result: LoadResult, connections: number) {
  const perRequestMs = 1000 / Math.max(1, result.requestsPerSecond);
  await sleep(Math.min(20_000, connections * perRequestMs + 500));
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    for (let i = 0; i < 40; i++) {
      const { rows } = await owner.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where usename = $1 and state <> 'idle'",
        [role],
      );
      if ((rows[0]?.n ?? 0) === 0) break;
      await sleep(250);
    }
  } finally {
    await owner.end();
  }
  await sleep(250);
}

export function unexpected(s: Scenario): number {
  return Object.entries(s.result.statusCodes)
    .filter(([code]) => Number(code) !== s.expect)
    .reduce((n, [, count]) => n + count, 0);
}
