/**
 * Cold start: a web process as deployed (`npm run build` once, then `npm run web`, i.e. node
 * dist/web.mjs) started on the bench's already migrated database, timed from spawn to its
 * first « ready » on /readyz and to its first parent home page. Issue 17 target: ready in ≤ 2 s.
 * The same through tsx (src/web.ts, as before the bundle) is printed for comparison.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { buildWeb } from "../src/build.ts";
import { benchDir, freePort, httpRequest } from "./proc.ts";

export interface ColdStart {
  buildMs: number;
  readyMs: number;
  /** The same process run from source through tsx. */
  tsxReadyMs: number;
  firstPageMs: number;
  firstPageStatus: number;
}

export const COLD_START_TARGET_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answer(port: number, options: Parameters<typeof httpRequest>[1]) {
  return httpRequest(port, options).catch(() => ({ status: 0 }));
}

/** Starts one web process, measures, stops it. `home` is a parent's host and cookie headers. */
async function timeBoot(args: string[], env: Record<string, string>, home: { host: string; cookie: string }) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: path.join(benchDir, ".."),
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    let readyMs = 0;
    while (readyMs === 0) {
      if (child.exitCode !== null) throw new Error(`cold start: the web process exited (${child.exitCode})`);
      if (performance.now() - started > 30_000) throw new Error("cold start: not ready within 30 s");
      if ((await answer(port, { path: "/readyz" })).status === 200) readyMs = performance.now() - started;
      else await sleep(10);
    }
    const page = await answer(port, { path: "/", headers: { host: home.host, cookie: home.cookie } });
    return { readyMs, firstPageMs: performance.now() - started, firstPageStatus: page.status };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

export async function measureColdStart(
  env: Record<string, string>,
  home: { host: string; cookie: string },
): Promise<ColdStart> {
  const t = performance.now();
  const bundle = await buildWeb();
  const buildMs = performance.now() - t;
  const bundled = await timeBoot(["--enable-source-maps", bundle], env, home);
  const tsx = await timeBoot(["--import", "tsx", path.join(benchDir, "../src/web.ts")], env, home);
  return { buildMs, ...bundled, tsxReadyMs: tsx.readyMs };
}

export function coldStartLine(c: ColdStart): string {
  const met = c.readyMs <= COLD_START_TARGET_MS ? "met" : "NOT met";
  return (
    `cold start (npm run web = the bundle, on the migrated database): ready in ${(c.readyMs / 1000).toFixed(2)} s ` +
    `(target ≤ ${COLD_START_TARGET_MS / 1000} s): ${met}; first home page ${c.firstPageStatus} ` +
    `at ${(c.firstPageMs / 1000).toFixed(2)} s (npm run build took ${(c.buildMs / 1000).toFixed(2)} s; ` +
    `the same from source through tsx: ready in ${(c.tsxReadyMs / 1000).toFixed(2)} s)`
  );
}
