import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { createApp } from "./app.ts";
import { createDatabase, type Database } from "./db/database.ts";
import { type EmbeddedCluster, startEmbedded } from "./db/embedded.ts";
import { loginPassword, loginUrl, prepareDatabase, queueLogin } from "./db/prepare.ts";
import { seedDemo } from "./demo/seed.ts";
import type { Env } from "./env.ts";
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
  close(): Promise<void>;
}

/** Owner connection: DATABASE_URL, or the embedded cluster kept in DATA_DIR. */
export async function ownerDatabase(
  env: Env,
  log: Logger,
): Promise<{ url: string; cluster?: EmbeddedCluster }> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL };
  const cluster = await startEmbedded(`${env.DATA_DIR}/pg`, env.EMBEDDED_PG_PORT, {
    durable: env.NODE_ENV !== "test",
    log: (line) => log.debug({ postgres: true }, line),
  });
  return { url: cluster.url, cluster };
}

/**
 * Boots everything a running portal needs, in order: database (migrations, roles, towns),
 * demo data, mail (sink in demo), the job worker, and the HTTP server.
 */
export async function startPlatform(env: Env, log: Logger, options: { listen: boolean }): Promise<Platform> {
  const owner = await ownerDatabase(env, log);
  const login = { user: env.APP_DB_USER, password: loginPassword(env.DATA_DIR, env.APP_DB_PASSWORD) };
  await prepareDatabase(owner.url, login);
  const db: Database = createDatabase(loginUrl(owner.url, login), { max: env.DB_POOL_SIZE });
  const tenantIds = await provisionTenants(db, loadTenantFiles());
  if (env.DEMO) await seedDemo(db, tenantIds);

  // The SMTP sink and its parser are dev dependencies: loaded only for the demo.
  const mailbox: Mailbox | undefined = env.DEMO
    ? await (await import("./integrations/mail/sink.ts")).startMailSink(0)
    : undefined;
  const smtpUrl = env.SMTP_URL ?? mailbox?.smtpUrl;
  if (!smtpUrl) throw new Error("SMTP_URL is required outside the demo");
  // The PayFiP simulator stands in for the State's payment service in the demo.
  const payfip: RunningSimulator | undefined = env.DEMO
    ? await (await import("./integrations/payfip/simulator/server.ts")).startPayfipSimulator({
        port: env.NODE_ENV === "test" ? 0 : env.PAYFIP_SIM_PORT,
        // Its control API can settle any payment: this machine only, whatever HOST says.
        hostname: "127.0.0.1",
      })
    : undefined;
  const payfipSettings = { base: payfip?.url ?? env.PAYFIP_URL, saisie: env.PAYFIP_SAISIE };
  const worker = await startWorker({
    queueUrl: loginUrl(owner.url, queueLogin(login)),
    db,
    send: smtpTransport(smtpUrl),
    from: env.MAIL_FROM,
    log,
    payfip: payfipSettings,
  });

  const deps: Deps = {
    env,
    db,
    log,
    now: () => new Date(),
    payfip: payfipSettings,
    sites: createSiteResolver(db, env.PLATFORM_DOMAIN, !!mailbox),
    mailbox,
  };
  const app = createApp(deps);
  let server: ServerType | undefined;
  let port = env.PORT;
  if (options.listen) {
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
    // PORT=0 (tests, bench): links in e-mails must name the port actually bound.
    if (env.PORT === 0) deps.env = { ...env, PORT: port };
  }

  return {
    deps,
    app,
    port,
    ownerUrl: owner.url,
    payfipUrl: payfip?.url,
    // Stop accepting, let in-flight requests finish, then the worker, the pool, the cluster.
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      await payfip?.close();
      await worker.stop();
      await db.close();
      await mailbox?.close();
      await owner.cluster?.stop();
    },
  };
}
