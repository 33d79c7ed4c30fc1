import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/** Never exported: secrets, or the platform's own bookkeeping. */
const SKIPPED_TABLES = new Set(["sessions", "auth_tokens", "known_devices", "login_throttle", "counters"]);
const SKIPPED_COLUMNS = new Set(["password_hash", "content", "tenant_id"]);

/**
 * The tables the parent persona may read that hold household data (a household_id column):
 * RLS gives exactly this household's rows, so nothing here filters by hand.
 */
async function householdTables(trx: Trx): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select distinct c.table_name from information_schema.columns c
      join information_schema.table_privileges p on p.table_schema = c.table_schema and p.table_name = c.table_name
    where c.table_schema = 'public' and c.column_name = 'household_id'
      and p.grantee = 'app_parent' and p.privilege_type = 'SELECT'
    order by c.table_name`.execute(trx);
  // The household itself is keyed by id; RLS shows the parent their own row only.
  return ["households", ...rows.map((r) => r.table_name).filter((t) => !SKIPPED_TABLES.has(t))];
}

export async function householdData(trx: Trx): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const table of await householdTables(trx)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(trx);
    out[table] = rows.map((r) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => !SKIPPED_COLUMNS.has(k))),
    );
  }
  return out;
}
