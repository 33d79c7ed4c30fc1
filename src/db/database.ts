import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { isUuid } from "../lib/form-fields.ts";
import type { DB } from "./types.ts";

export type Persona = "app_parent" | "app_staff" | "app_operator" | "app_auth" | "app_jobs";

/** Who is asking: the persona the transaction runs as, and the RLS context it sets. */
export interface TenantContext {
  role: Persona;
  tenantId: string | null;
  userId?: string | null;
  householdId?: string | null;
}

/** A connection inside withTenant's transaction. */
export type Trx = Kysely<DB>;

/**
 * A way to open transactions, handed to a service that must open more than one because an
 * HTTP call (PayFiP) sits between them and may not run inside a transaction.
 */
export type Transact = <T>(fn: (trx: Trx) => Promise<T>) => Promise<T>;

/** The town's jobs persona's transactions (a job, or a request no one signs). */
export const townJobs =
  (db: Database, tenantId: string): Transact =>
  (fn) =>
    db.withTenant({ role: "app_jobs", tenantId }, fn);

export interface ResolvedTenant {
  id: string;
  slug: string;
  name: string;
  status: "active" | "suspended" | "archived";
  config: unknown;
  logo_svg: string | null;
}

export interface Database {
  /** The only way to reach town data: one transaction with its RLS context set first. */
  withTenant<T>(ctx: TenantContext, fn: (trx: Trx) => Promise<T>): Promise<T>;
  /** Host -> town through the narrow definer function, before any context exists. */
  resolveHost(slug: string | null, host: string): Promise<ResolvedTenant | undefined>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// A calendar date (birth date…) stays "YYYY-MM-DD": no time zone may shift it.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

const PERSONAS = new Set<Persona>(["app_parent", "app_staff", "app_operator", "app_auth", "app_jobs"]);

function literal(value: string | null | undefined): string {
  if (!value) return "''";
  if (!isUuid(value)) throw new Error("withTenant: context ids must be UUIDs");
  return `'${value}'`;
}

/**
 * The RLS context as literals, so that BEGIN and the context travel in one round trip
 * (a simple query: no parameters). Only a known persona and UUIDs can get in.
 */
function contextStatement(ctx: TenantContext): string {
  if (!PERSONAS.has(ctx.role)) throw new Error(`withTenant: unknown persona ${ctx.role}`);
  return `select set_config('role', '${ctx.role}', true), set_config('app.tenant_id', ${literal(ctx.tenantId)}, true), set_config('app.user_id', ${literal(ctx.userId)}, true), set_config('app.household_id', ${literal(ctx.householdId)}, true)`;
}

/**
 * Inside withTenant's transaction, switches to another persona and context (the same
 * transaction: everything still commits or rolls back together). Used by the few steps one
 * persona may not do, such as a parent inviting the other guardian (src/features/household/invite.ts).
 */
export async function switchPersona(trx: Trx, ctx: TenantContext): Promise<void> {
  await sql.raw(contextStatement(ctx)).execute(trx);
}

export interface PoolOptions {
  max: number;
  /** How long an unused connection stays open (ms). */
  idleTimeoutMs?: number;
  /** Told once per broken connection (the pool then replaces it). */
  onConnectionError?: (err: Error) => void;
}

/**
 * A pg pool that survives a database restart, failover or a terminated backend: a client
 * that breaks while checked out emits 'error' (an unhandled one would end the process), its
 * query rejects, and the pool drops it on release and opens a fresh one on demand.
 */
export function resilientPool(connectionString: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    // A database that does not answer fails the request quickly instead of queueing it forever.
    connectionTimeoutMillis: 5_000,
  });
  const report = (err: Error) => options.onConnectionError?.(err);
  pool.on("error", report);
  pool.on("connect", (client) => client.on("error", report));
  return pool;
}

export function createDatabase(connectionString: string, options: PoolOptions): Database {
  const pool = resilientPool(connectionString, options);
  const root = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });

  return {
    withTenant(ctx, fn) {
      const setup = sql.raw(`begin; ${contextStatement(ctx)}`);
      return root.connection().execute(async (conn) => {
        let result: Awaited<ReturnType<typeof fn>>;
        try {
          await setup.execute(conn);
          result = await fn(conn);
        } catch (error) {
          // The caller's error is what matters; a failed rollback (dead connection) adds nothing.
          await sql
            .raw("rollback")
            .execute(conn)
            .catch(() => {});
          throw error;
        }
        await sql.raw("commit").execute(conn);
        return result;
      });
    },
    async resolveHost(slug, host) {
      const { rows } =
        await sql<ResolvedTenant>`select * from app.resolve_host(${slug ?? ""}, ${host})`.execute(root);
      return rows[0];
    },
    async ping() {
      await sql`select 1`.execute(root);
    },
    async close() {
      await root.destroy();
    },
  };
}
