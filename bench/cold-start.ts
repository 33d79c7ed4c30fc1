/**
 * Cold start: a web process as deployed (`npm run build` once, then `npm run web`, i.e. node
 * dist/web.mjs) started on the bench's already migrated database, timed from spawn to its
 * first « ready » on /readyz and to its first parent home page. Issue 17 target: ready in ≤ 2 s.
 * The same through tsx (src/web.ts, as before the bundle) is printed for comparison.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildWeb } from "../src/build.ts";
import { benchDir, freePort, httpRequest } from "./proc.ts";
import { type Profile, summarise } from "./profile.ts";

export interface ColdStart {
  buildMs: number;
  readyMs: number;
  /** CPU the web process had used when ready: what a quiet machine would take, nearly. */
  readyCpuMs: number;
  /** The same process run from source through tsx. */
  tsxReadyMs: number;
  tsxReadyCpuMs: number;
  firstPageMs: number;
  firstPageStatus: number;
  /** The web process's own account of its boot ("listening" log line): imports, then each step, ms. */
  boot: Record<string, number>;
  /** From spawn to that log line. */
  listeningMs: number;
}

export const COLD_START_TARGET_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** User + system CPU of a process so far (Linux /proc; clock ticks of 10 ms). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function answer(port: number, options: Parameters<typeof httpRequest>[1]) {
  return httpRequest(port, options).catch(() => ({ status: 0 }));
}

/** Starts one web process, measures, stops it. `home` is a parent's host and cookie headers. */
async function timeBoot(args: string[], env: Record<string, string>, home: { host: string; cookie: string }) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: path.join(benchDir, ".."),
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let boot: Record<string, number> = {};
  let listeningMs = 0;
  let out = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    out += chunk;
    for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (!line.includes('"listening"')) continue;
      listeningMs = performance.now() - started;
      boot = (JSON.parse(line) as { boot?: Record<string, number> }).boot ?? {};
    }
  });
  try {
    let readyMs = 0;
    let readyCpuMs = 0;
    while (readyMs === 0) {
      if (child.exitCode !== null) throw new Error(`cold start: the web process exited (${child.exitCode})`);
      if (performance.now() - started > 60_000) throw new Error("cold start: not ready within 60 s");
      if ((await answer(port, { path: "/readyz" })).status === 200) {
        readyMs = performance.now() - started;
        readyCpuMs = cpuMsOf(child.pid);
      } else await sleep(10);
    }
    const page = await answer(port, { path: "/", headers: { host: home.host, cookie: home.cookie } });
    return {
      readyMs,
      readyCpuMs,
      firstPageMs: performance.now() - started,
      firstPageStatus: page.status,
      boot,
      listeningMs,
    };
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
  // For comparison only: on a saturated machine it may not be ready in time, which is no failure.
  const tsx = await timeBoot(["--import", "tsx", path.join(benchDir, "../src/web.ts")], env, home).catch(
    () => ({ readyMs: Number.NaN, readyCpuMs: Number.NaN }),
  );
  return { buildMs, ...bundled, tsxReadyMs: tsx.readyMs, tsxReadyCpuMs: tsx.readyCpuMs };
}

/** BENCH_PROFILE: one more boot of the bundle under V8's profiler (not measured), summarised. */
export async function profileColdStart(
  env: Record<string, string>,
  home: { host: string; cookie: string },
): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "parvis-boot-profile-"));
  const bundle = path.join(benchDir, "../dist/web.mjs");
  await timeBoot(["--enable-source-maps", "--cpu-prof", `--cpu-prof-dir=${dir}`, bundle], env, home);
  const [file] = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  if (!file) return "cold start profile: none written";
  const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as Profile;
  return `cold start profile (${path.join(dir, file)}), from spawn to the first home page:\n${summarise(profile, 20)}`;
}

export function coldStartLines(c: ColdStart): string[] {
  const met = c.readyMs <= COLD_START_TARGET_MS ? "met" : "NOT met";
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const steps = Object.entries(c.boot)
    .map(([k, ms]) => `${k} ${ms} ms`)
    .join(", ");
  return [
    `cold start (npm run web = the bundle, on the migrated database): ready in ${s(c.readyMs)} ` +
      `(target ≤ ${s(COLD_START_TARGET_MS)}): ${met}; its CPU until ready ${s(c.readyCpuMs)} (a quiet machine's ` +
      `wall time, nearly); first home page ${c.firstPageStatus} at ${s(c.firstPageMs)}; npm run build ` +
      `${s(c.buildMs)}; the same from source through tsx: ready in ${s(c.tsxReadyMs)}, CPU ${s(c.tsxReadyCpuMs)}`,
    `  boot of the bundle, from its own log: ${steps || "n/a"}; « listening » logged at ${s(c.listeningMs)} ` +
      `after spawn (the rest: Node's own start, the first /readyz's connection, polling)`,
  ];
}
