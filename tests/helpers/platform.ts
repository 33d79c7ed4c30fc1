import { createApp } from "../../src/app.ts";
import { loginUrl, queueLogin } from "../../src/db/prepare.ts";
import { seedDemo } from "../../src/demo/seed.ts";
import { loadEnv } from "../../src/env.ts";
import type { Deps } from "../../src/http/types.ts";
import { type Mailbox, startMailSink } from "../../src/integrations/mail/sink.ts";
import { smtpTransport } from "../../src/integrations/mail/transport.ts";
import { startWorker } from "../../src/jobs/worker.ts";
import { createLogger } from "../../src/lib/log.ts";
import { createSiteResolver } from "../../src/tenancy/resolve.ts";
import { LOGIN } from "./constants.ts";
import { createTestDatabase, type TestDatabase } from "./db.ts";

export interface TestPlatform extends TestDatabase {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  mailbox: Mailbox;
  tenants: Map<string, string>;
  /** Fixes the app's clock (null: the real time again). */
  setNow(now: Date | null): void;
}

/**
 * The real app on its own database, with the demo data, a real SMTP sink and the real
 * job worker relaying the outbox. Requests go through app.request() (no socket).
 */
export async function createTestPlatform(
  options: { poolSize?: number; env?: Record<string, string> } = {},
): Promise<TestPlatform> {
  const t = await createTestDatabase(options);
  const env = loadEnv({
    NODE_ENV: "test",
    DEMO: "true",
    TRUST_PROXY: "true",
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const log = createLogger(env.LOG_LEVEL, false);
  const rows = await t.owner.selectFrom("tenants").select(["id", "slug"]).execute();
  const tenants = new Map(rows.map((r) => [r.slug, r.id]));
  await seedDemo(t.db, tenants);
  const mailbox = await startMailSink(0);
  let fixed: Date | null = null;
  const worker = await startWorker({
    queueUrl: loginUrl(t.ownerUrl, queueLogin(LOGIN)),
    db: t.db,
    send: smtpTransport(mailbox.smtpUrl),
    from: env.MAIL_FROM,
    log,
    // The jobs share the test's clock, or a fixed date in the past expires every basket at once.
    now: () => fixed ?? new Date(),
  });
  const deps: Deps = {
    env,
    db: t.db,
    log,
    now: () => fixed ?? new Date(),
    // Nothing answers here: a test that pays starts a simulator and points base at it.
    payfip: { base: "http://127.0.0.1:9", saisie: "T" },
    sites: createSiteResolver(t.db, env.PLATFORM_DOMAIN, true, t.loginUrl),
    mailbox,
  };
  await deps.sites.ready;
  return {
    ...t,
    app: createApp(deps),
    deps,
    mailbox,
    tenants,
    setNow(now) {
      fixed = now;
    },
    async close() {
      await worker.stop();
      await deps.sites.close();
      await mailbox.close();
      await t.close();
    },
  };
}
