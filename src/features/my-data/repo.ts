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

/** The household's open closure request, if any (RLS: the parent's own household). */
export function pendingClosure(trx: Trx, householdId: string) {
  return trx
    .selectFrom("closure_requests")
    .select(["id", "requested_at"])
    .where("household_id", "=", householdId)
    .where("status", "=", "pending")
    .executeTakeFirst();
}

/** The new request's id, or undefined when one is already open. */
export async function insertClosure(
  trx: Trx,
  r: { tenantId: string; householdId: string; requestedBy: string; reason: string | null },
) {
  const row = await trx
    .insertInto("closure_requests")
    .values({
      tenant_id: r.tenantId,
      household_id: r.householdId,
      requested_by: r.requestedBy,
      reason: r.reason,
    })
    .onConflict((oc) => oc.columns(["tenant_id", "household_id"]).where("status", "=", "pending").doNothing())
    .returning("id")
    .executeTakeFirst();
  return row?.id;
}

/** Staff: the requests still to handle, oldest first, with the household's name and number. */
export function pendingClosures(trx: Trx) {
  return trx
    .selectFrom("closure_requests as r")
    .innerJoin("households as h", (j) =>
      j.onRef("h.tenant_id", "=", "r.tenant_id").onRef("h.id", "=", "r.household_id"),
    )
    .select(["r.id", "r.household_id", "r.reason", "r.requested_at", "h.name", "h.number"])
    .where("r.status", "=", "pending")
    .orderBy("r.requested_at")
    .execute();
}

/** Marks a pending closure request done; its household, or null when unknown or handled. */
export async function markClosed(trx: Trx, requestId: string, staffId: string) {
  const request = await trx
    .updateTable("closure_requests")
    .set({ status: "closed", decided_by: staffId, decided_at: sql`now()` })
    .where("id", "=", requestId)
    .where("status", "=", "pending")
    .returning(["household_id"])
    .executeTakeFirst();
  return request?.household_id ?? null;
}
