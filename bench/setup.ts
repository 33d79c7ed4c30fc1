/** The bench's database, portal and the data its parts need. */
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { type EmbeddedCluster, startEmbedded } from "../src/db/embedded.ts";
import { loadEnv } from "../src/env.ts";
import { type Mailbox, startMailSink } from "../src/integrations/mail/sink.ts";
import { createLogger } from "../src/lib/log.ts";
import { type Platform, startPlatform } from "../src/platform.ts";
import { cleanups, DOMAIN, load, SETTINGS, say, secs, sleep } from "./common.ts";
import type { LoadConfig } from "./load.ts";
import { freePort } from "./proc.ts";
import { runLoad, type Scenario } from "./scenario.ts";
import type { Part, Summary } from "./summary.ts";

/**
 * graphile-worker's runner.stop() calls pool.end() without awaiting it, so its last owner
 * connection can outlive platform.close(); terminating it (cluster stop, drop database … with
 * (force)) would then raise an unhandled pool 'error' and kill this process. Wait for it.
 */
async function ownerClientsGone(url: string): Promise<void> {
  const owner = new pg.Client({ connectionString: url });
  await owner.connect();
  try {
    for (let i = 0; i < 50; i++) {
      const { rows } = await owner.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      if ((rows[0]?.n ?? 0) === 0) return;
      await sleep(100);
    }
    console.error("bench: some database clients are still connected after 5 s");
  } finally {
    await owner.end();
  }
}

/** The owner URL of a database of our own: a fresh embedded cluster, or a new database on BENCH_DATABASE_URL. */
async function ownDatabase(dir: string): Promise<string> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    const name = `parvis_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: given });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const a = new pg.Client({ connectionString: given });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    });
    const url = new URL(given);
    url.pathname = `/${name}`;
    cleanups.push(() => ownerClientsGone(url.toString()));
    return url.toString();
  }
  const cluster: EmbeddedCluster = await startEmbedded(path.join(dir, "pg"), await freePort(), {
    durable: true,
    // Sized as a server holding 1,000 towns would be (PostgreSQL's default is 128 MB).
    settings: (process.env.BENCH_PG_SETTINGS ?? "shared_buffers=1GB").split(/\s+/).filter(Boolean),
  });
  cleanups.push(() => cluster.stop());
  cleanups.push(() => ownerClientsGone(cluster.url));
  return cluster.url;
}

/** What every part gets: where it runs, who it logs in as, and where its figures go. */
export interface Bench {
  dir: string;
  ownerUrl: string;
  login: { user: string; password: string };
  mailbox: Mailbox;
  platform: Platform;
  summary: Summary;
  scenarios: Scenario[];
  want: (part: Part) => boolean;
  needs: (...parts: Part[]) => boolean;
  /** A closed-loop scenario, recorded for the final scenario table. */
  run: (name: string, expect: number, serverPid: number, config: LoadConfig) => Promise<Scenario>;
}

export const common = () => ({
  connections: SETTINGS.connections,
  duration: SETTINGS.duration,
  warmup: SETTINGS.warmup,
});

/** The database, the mail sink and the portal (web and worker in this process). */
export async function startBench(
  dir: string,
  want: (part: Part) => boolean,
  summary: Summary,
): Promise<Bench> {
  const t = performance.now();
  const ownerUrl = await ownDatabase(dir);
  const mailbox: Mailbox = await startMailSink(0);
  cleanups.push(() => mailbox.close());
  const login = { user: "parvis_bench", password: randomBytes(24).toString("base64url") };
  const platform = await startPortal(dir, ownerUrl, login, mailbox);
  say(
    `database ${process.env.BENCH_DATABASE_URL ? "on BENCH_DATABASE_URL" : "embedded"} and portal up in ${secs(performance.now() - t)}`,
  );
  const scenarios: Scenario[] = [];
  const run = async (name: string, expect: number, serverPid: number, config: LoadConfig) => {
    say(`running ${name}… (load average ${load()})`);
    scenarios.push({ name, expect, serverPid, ...(await runLoad(dir, name, config)) });
    return scenarios.at(-1) as Scenario;
  };
  const needs = (...parts: Part[]) => parts.some(want);
  return { dir, ownerUrl, login, mailbox, platform, summary, scenarios, want, needs, run };
}

async function startPortal(
  dir: string,
  ownerUrl: string,
  login: { user: string; password: string },
  mailbox: Mailbox,
): Promise<Platform> {
  const env = loadEnv({
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: ownerUrl,
    APP_DB_USER: login.user,
    APP_DB_PASSWORD: login.password,
    DATA_DIR: dir,
    PLATFORM_DOMAIN: DOMAIN,
    SMTP_URL: mailbox.smtpUrl,
    DEMO: "false",
    LOG_LEVEL: "warn",
    DB_POOL_SIZE: String(SETTINGS.poolSize),
  });
  const platform = await startPlatform(env, createLogger(env.LOG_LEVEL, false), { listen: true });
  cleanups.push(() => platform.close());
  return platform;
}
