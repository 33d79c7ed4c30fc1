import { type Env, loadEnv } from "./env.ts";
import { createLogger, type Logger } from "./lib/log.ts";
import { type Parts, type Platform, startPlatform } from "./platform.ts";

/**
 * Runs one kind of process until SIGTERM or SIGINT, then stops it within the shutdown
 * deadline and exits 0 (1 only if the deadline itself is overrun by a stuck step). The
 * signals are handled from the start: one that arrives while booting stops the process
 * as soon as the boot is done, cleanly.
 */
export async function runProcess(
  parts: Parts,
  after?: (platform: Platform, env: Env, log: Logger) => void,
): Promise<void> {
  // Every static import is loaded and evaluated before this runs: the time since the process began.
  const importsMs = Math.round(performance.now());
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL, env.NODE_ENV === "development");
  if (!(parts.prepare && parts.web && parts.worker) && !env.DATABASE_URL)
    throw new Error("DATABASE_URL is required to run the web server or the worker alone");
  let platform: Platform | undefined;
  let stopping = false;
  const stop = (p: Platform) => {
    setTimeout(() => {
      log.error("shutdown deadline overrun");
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS + 15_000).unref();
    void p.close().then(() => {
      log.info("stopped");
      process.exit(0);
    });
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down");
      if (platform) stop(platform);
    });
  }
  platform = await startPlatform(env, log, { listen: parts.web, parts, ownSignals: true });
  if (stopping) return stop(platform);
  if (parts.web)
    // "port" stays last before "msg": tests/helpers/processes.ts reads it from this line.
    log.info({ boot: { imports: importsMs, ...platform.boot }, port: platform.port }, "listening");
  if (parts.worker && !parts.web) log.info("worker started");
  after?.(platform, env, log);
}
