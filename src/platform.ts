import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { createDatabase, type Database } from "./db/database.ts";
import { type EmbeddedCluster, startEmbedded } from "./db/embedded.ts";
import {
  legacyPasswordFile,
  loginUrl,
  prepareDatabase,
  preparedLogin,
  queueLogin,
  underPrepareLock,
} from "./db/prepare.ts";
import { seedDemo } from "./demo/seed.ts";
import type { Env } from "./env.ts";
import { drainable } from "./http/graceful.ts";
import type { Deps } from "./http/types.ts";
import type { Mailbox } from "./integrations/mail/sink.ts";
import { smtpTransport } from "./integrations/mail/transport.ts";
import type { RunningSimulator } from "./integrations/payfip/simulator/server.ts";
import { startWorker } from "./jobs/worker.ts";
import type { Logger } from "./lib/log.ts";
import { loadTenantFiles } from "./tenancy/files.ts";
import { provisionTenants } from "./tenancy/provision.ts";
import { createSiteResolver } from "./tenancy/resolve.ts";

export interface Platform {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  port: number;
  ownerUrl: string;
  /** Demo only: base URL of the local PayFiP simulator (SOAP endpoint and payment page). */
  payfipUrl?: string;
  /** Milliseconds each step of the boot took (printed by the bench's cold start). */
  boot: Record<string, number>;
  close(): Promise<void>;
}

/**
 * What one process runs (docs/operations.md): the demo and `npm start` run everything; a
 * deployment runs `migrate` once, then any number of `web` processes and a `worker`.
 */
export interface Parts {
  /** Migrations, roles, towns (and the demo data), under the preparation lock. */
  prepare: boolean;
  web: boolean;
  worker: boolean;
}

export interface PlatformOptions {
  listen: boolean;
  parts?: Parts;
  /** The caller handles SIGINT/SIGTERM and stops the embedded cluster itself, last. */
  ownSignals?: boolean;
}

const ALL: Parts = { prepare: true, web: true, worker: true };

/** Owner connection: DATABASE_URL, or the embedded cluster kept in DATA_DIR. */
export async function ownerDatabase(
  env: Env,
  log: Logger,
  ownSignals = false,
): Promise<{ url: string; cluster?: EmbeddedCluster }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  const cluster = await startEmbedded(`${env.DATA_DIR}/pg`, env.EMBEDDED_PG_PORT, {
    durable: env.NODE_ENV !== "test",
    log: (line) => log.debug({ postgres: true }, line),
    ownSignals,
  });
  return { url: cluster.url, cluster };
}

/** Runs each step of a shutdown even if one fails (a database already gone, say). */
async function stopAll(log: Logger, steps: [string, (() => Promise<unknown>) | undefined][]) {
  for (const [name, step] of steps) {
    try {
      await step?.();
    } catch (err) {
      log.warn({ err, step: name }, "shutdown step failed");
    }
  }
}

/** The login as prepared (or as `npm run migrate` left it), its pool, and the towns (prepare only). */
async function openDatabase(
  env: Env,
  log: Logger,
  ownerUrl: string,
  prepare: boolean,
): Promise<{ db: Database; url: string; queueUrl: string }> {
  const role = {
    user: env.APP_DB_USER,
    password: env.APP_DB_PASSWORD,
    legacyFile: legacyPasswordFile(env.DATA_DIR),
  };
  const login = prepare ? await prepareDatabase(ownerUrl, role) : await preparedLogin(ownerUrl, role);
  const url = loginUrl(ownerUrl, login);
  const db = createDatabase(url, {
    max: env.DB_POOL_SIZE,
    idleTimeoutMs: env.DB_IDLE_TIMEOUT_MS,
    onConnectionError: (err) => log.warn({ err: String(err) }, "database connection lost"),
  });
  if (prepare)
    await underPrepareLock(ownerUrl, async () => {
      const tenantIds = await provisionTenants(db, loadTenantFiles());
      if (env.DEMO) await seedDemo(db, tenantIds);
    });
  return { db, url, queueUrl: loginUrl(ownerUrl, queueLogin(login)) };
}

/** Demo only: the SMTP sink with its mailbox and the PayFiP simulator (dev dependencies, loaded lazily). */
async function demoServices(env: Env): Promise<{ mailbox?: Mailbox; payfip?: RunningSimulator }> {
  if (!env.DEMO) return {};
  const mailbox = await (await import("./integrations/mail/sink.ts")).startMailSink(0);
  const payfip = await (await import("./integrations/payfip/simulator/server.ts")).startPayfipSimulator({
    port: env.NODE_ENV === "test" ? 0 : env.PAYFIP_SIM_PORT,
    // Its control API can settle any payment: this machine only, whatever HOST says.
    hostname: "127.0.0.1",
  });
  return { mailbox, payfip };
}

async function listen(app: ReturnType<typeof createApp>, deps: Deps) {
  const env = deps.env;
  // A port already taken fails the start (EADDRINUSE) instead of an uncaught error.
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(s));
    s.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  // PORT=0 (tests, bench): links in e-mails must name the port actually bound.
  if (env.PORT === 0) deps.env = { ...env, PORT: port };
  return { http: drainable(server as Server), port };
}

/** How long each boot step took, in ms (printed on the « listening » line). */
function bootTimer() {
  const boot: Record<string, number> = {};
  let lapStart = performance.now();
  const lap = (step: string) => {
    boot[step] = Math.round(performance.now() - lapStart);
    lapStart = performance.now();
  };
  return { boot, lap };
}

/** The job worker, when this process runs it (it needs somewhere to send mail). */
async function jobsOf(
  parts: Parts,
  env: Env,
  log: Logger,
  db: Database,
  queue: { url: string; smtpUrl: string | undefined; payfip: Deps["payfip"] },
) {
  if (parts.worker && !queue.smtpUrl) throw new Error("SMTP_URL is required outside the demo");
  if (!parts.worker || !queue.smtpUrl) return undefined;
  return startWorker({
    queueUrl: queue.url,
    db,
    send: smtpTransport(queue.smtpUrl),
    from: env.MAIL_FROM,
    log,
    payfip: queue.payfip,
    staleAfterMs: env.JOB_STALE_AFTER_MS,
  });
}

/** PayFiP: the demo's simulator, or the service of the environment. */
const payfipSettingsOf = (env: Env, simulator: RunningSimulator | undefined): Deps["payfip"] => ({
  base: simulator?.url ?? env.PAYFIP_URL,
  saisie: env.PAYFIP_SAISIE,
  budgetMs: env.PAYFIP_BUDGET_MS,
});

interface Running {
  deps: Deps;
  http?: ReturnType<typeof drainable>;
  payfip?: RunningSimulator;
  worker?: Awaited<ReturnType<typeof jobsOf>>;
  mailbox?: Mailbox;
  cluster?: EmbeddedCluster;
}

/** Stop accepting and drain (bounded), then the worker, the pool, and the cluster last. */
const closer =
  ({ deps, http, payfip, worker, mailbox, cluster }: Running) =>
  () =>
    stopAll(deps.log, [
      ["http", http && (() => http.close(deps.env.SHUTDOWN_TIMEOUT_MS))],
      ["payfip simulator", payfip && (() => payfip.close())],
      ["worker", worker && (() => worker.stop())],
      ["town cache", () => deps.sites.close()],
      ["database pool", () => deps.db.close()],
      ["mailbox", mailbox && (() => mailbox.close())],
      ["embedded postgres", cluster && (() => cluster.stop())],
    ]);

/**
 * Boots what this process runs, in order: database (migrations, roles, towns), demo data,
 * mail (sink in demo), the job worker, and the HTTP server.
 */
export async function startPlatform(env: Env, log: Logger, options: PlatformOptions): Promise<Platform> {
  const parts = options.parts ?? ALL;
  const { boot, lap } = bootTimer();
  // Every instance must log in with the same password; none may invent one (architecture §5.12).
  if (env.NODE_ENV === "production" && !env.APP_DB_PASSWORD)
    throw new Error("APP_DB_PASSWORD is required in production");
  const owner = await ownerDatabase(env, log, options.ownSignals);
  const { db, url: appUrl, queueUrl } = await openDatabase(env, log, owner.url, parts.prepare);
  lap(parts.prepare ? "database and preparation" : "database login");
  const { mailbox, payfip } = parts.web || parts.worker ? await demoServices(env) : {};
  const payfipSettings = payfipSettingsOf(env, payfip);
  const smtpUrl = env.SMTP_URL ?? mailbox?.smtpUrl;
  const worker = await jobsOf(parts, env, log, db, { url: queueUrl, smtpUrl, payfip: payfipSettings });
  lap("demo services and worker");
  const sites = createSiteResolver(db, env.PLATFORM_DOMAIN, !!mailbox, appUrl);
  const deps: Deps = { env, db, log, now: () => new Date(), payfip: payfipSettings, sites, mailbox };
  const app = createApp(deps);
  lap("app");
  const running: Running = { deps, payfip, worker, mailbox, cluster: owner.cluster };
  let port = env.PORT;
  if (options.listen && parts.web) {
    try {
      ({ http: running.http, port } = await listen(app, deps));
    } catch (err) {
      // A refused port (EADDRINUSE) stops what had started, so the error is all that is left.
      await closer(running)();
      throw err;
    }
  }
  lap("listen");
  const close = closer(running);
  return { deps, app, port, ownerUrl: owner.url, payfipUrl: payfip?.url, boot, close };
}
