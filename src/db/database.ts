import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import type { DB } from "./types.ts";

export type Persona = "app_parent" | "app_staff" | "app_operator" | "app_auth" | "app_jobs";

/** Who is asking: the persona the transaction runs as, and the RLS context it sets. */
export interface TenantContext {
  role: Persona;
  tenantId: string | null;
  userId?: string | null;
  householdId?: string | null;
}

export type Trx = Transaction<DB>;

export interface ResolvedTenant {
  id: string;
  slug: string;
  name: string;
  status: "active" | "suspended";
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

export function createDatabase(connectionString: string, options: { max: number }): Database {
  const pool = new pg.Pool({ connectionString, max: options.max, idleTimeoutMillis: 30_000 });
  // A broken idle client must not crash the server; the pool replaces it.
  pool.on("error", () => {});
  const root = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });

  return {
    withTenant(ctx, fn) {
      return root.transaction().execute(async (trx) => {
        await sql`select set_config('role', ${ctx.role}, true),
                         set_config('app.tenant_id', ${ctx.tenantId ?? ""}, true),
                         set_config('app.user_id', ${ctx.userId ?? ""}, true),
                         set_config('app.household_id', ${ctx.householdId ?? ""}, true)`.execute(trx);
        return fn(trx);
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
