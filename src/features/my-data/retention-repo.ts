import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/**
 * Households of the town with no sign of life since `before`: no login, no session, no
 * booked day, no change of their file, no account opened; not erased already.
 */
export async function inactiveHouseholds(trx: Trx, before: Date): Promise<string[]> {
  const day = before.toISOString().slice(0, 10);
  const { rows } = await sql<{ id: string }>`
    select h.id from households h
    where h.erased_at is null
      and h.created_at < ${before} and h.updated_at < ${before}
      and not exists (select 1 from bookings b where b.household_id = h.id and b.day >= ${day}::date)
      and not exists (
        select 1 from users u
        where u.household_id = h.id and (
          u.created_at >= ${before}
          or exists (select 1 from sessions s where s.user_id = u.id and s.last_seen_at >= ${before})
          or exists (select 1 from known_devices d where d.user_id = u.id and d.last_seen_at >= ${before})))
    order by h.id`.execute(trx);
  return rows.map((r) => r.id);
}

/** What an erasure removes from a household's file, as audited (column or table names). */
export const ERASED = [
  "users.email",
  "users.login",
  "users.password_hash",
  "guardians",
  "children.photo",
  "health_records",
  "documents",
  "authorised_persons",
  "child_consents",
  "households.phone_main",
  "households.iban",
];

/** Among the given households, their numbers (for the admins' notice). */
export async function householdNumbers(trx: Trx, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await trx
    .selectFrom("households")
    .select("number")
    .where("id", "in", ids)
    .orderBy("number")
    .execute();
  return rows.map((r) => r.number);
}

/** The town's admins who can be e-mailed. */
export async function admins(trx: Trx) {
  const rows = await trx
    .selectFrom("users")
    .select(["email", "first_name", "last_name"])
    .where("kind", "=", "staff")
    .where("staff_role", "=", "admin")
    .where("disabled_at", "is", null)
    .where("email", "is not", null)
    .execute();
  return rows.map((r) => ({ email: r.email as string, name: `${r.first_name} ${r.last_name}` }));
}

/**
 * Records the admins' notice of these households' erasure on `dueOn`; returns the ones not
 * noticed for that date already (one notice per household and due date, however many runs).
 */
export async function recordNotices(trx: Trx, tenantId: string, ids: string[], dueOn: string) {
  if (!ids.length) return [];
  const rows = await trx
    .insertInto("retention_notices")
    .values(ids.map((id) => ({ tenant_id: tenantId, household_id: id, due_on: dueOn })))
    .onConflict((oc) => oc.doNothing())
    .returning("household_id")
    .execute();
  return rows.map((r) => r.household_id);
}
