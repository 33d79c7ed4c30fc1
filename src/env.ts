import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Owner connection (may create roles). Absent: embedded PostgreSQL in DATA_DIR. */
  DATABASE_URL: z.url().optional(),
  /** Login role used by the request pool; its password is generated in DATA_DIR when absent. */
  APP_DB_USER: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("parvis_app"),
  APP_DB_PASSWORD: z.string().min(16).optional(),
  DATA_DIR: z.string().default(".data"),
  /** Parent domain of the towns' subdomains: sene.<PLATFORM_DOMAIN>. */
  PLATFORM_DOMAIN: z.string().default("localhost"),
  /** Public scheme and port used to build links in e-mails. */
  PUBLIC_SCHEME: z.enum(["http", "https"]).default("http"),
  PUBLIC_PORT: z.coerce.number().int().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Portail Famille <no-reply@parvis.localhost>"),
  /** Demo mode: embedded SMTP sink, dev mailbox host, demo data. */
  DEMO: z.stringbool().default(false),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  /** How long an unused database connection stays open (ms). */
  DB_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** After SIGTERM, in-flight requests get this long (ms) before every connection is closed. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** A job locked this long (ms) is taken to belong to a crashed worker and run again. */
  JOB_STALE_AFTER_MS: z.coerce.number().int().min(1000).default(300_000),
  /** What one page may spend waiting for PayFiP (ms), all calls and retries included. */
  PAYFIP_BUDGET_MS: z.coerce.number().int().min(100).default(10_000),
  /** Port of the embedded cluster when DATABASE_URL is absent. */
  EMBEDDED_PG_PORT: z.coerce.number().int().default(54329),
  /**
   * Reverse proxies in front of the server: how many hops append to X-Forwarded-For
   * ("true" = 1, "false" = 0). The client's address is the one the farthest proxy saw.
   */
  TRUST_PROXY: z
    .preprocess((v) => (v === "true" ? 1 : v === "false" ? 0 : v), z.coerce.number().int().min(0).max(10))
    .default(0),
  /** Demo only: port of the local PayFiP simulator (0 in tests: any free port). */
  PAYFIP_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** The State's PayFiP service (ignored in the demo, which uses its simulator). */
  PAYFIP_URL: z.url().default("https://www.payfip.gouv.fr"),
  /** PayFiP mode: T test, X activation, W production. */
  PAYFIP_SAISIE: z.enum(["T", "X", "W"]).default("T"),
});

export type Env = z.infer<typeof schema>;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === "production" && env.DEMO) throw new Error("DEMO must be off in production");
  return env;
}

/** Origin of a host as seen by browsers (scheme + host[:port]). */
export function publicOrigin(env: Env, hostname: string): string {
  const port = env.PUBLIC_PORT ?? (env.PUBLIC_SCHEME === "https" ? 443 : env.PORT);
  const defaultPort = env.PUBLIC_SCHEME === "https" ? 443 : 80;
  return `${env.PUBLIC_SCHEME}://${hostname}${port === defaultPort ? "" : `:${port}`}`;
}
