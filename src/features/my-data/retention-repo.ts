import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/** Journals deleted row by row past their time: table and its timestamp column. */
export const JOURNALS = {
  auth_events: "at",
  health_access_log: "at",
  audit_log: "at",
} as const;
export type Journal = keyof typeof JOURNALS;

export async function purgeJournal(trx: Trx, table: Journal, before: Date): Promise<number> {
  const result = await trx.deleteFrom(table).where(JOURNALS[table], "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

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

/**
 * Erases a household's personal file. What public accounting needs stays: the household's
 * number, name and address on its invoices and payments.
 */
export async function eraseHousehold(trx: Trx, householdId: string): Promise<void> {
  const users = trx.selectFrom("users").select("id").where("household_id", "=", householdId);
  await trx.deleteFrom("sessions").where("user_id", "in", users).execute();
  await trx.deleteFrom("known_devices").where("user_id", "in", users).execute();
  await trx
    .updateTable("users")
    .set({ email: null, password_hash: null, first_name: "–", last_name: "–" })
    // An account needs an e-mail or an identifiant: one that names no one and opens nothing.
    .set({ login: sql`'efface-' || id::text`, disabled_at: sql`coalesce(disabled_at, now())` })
    .where("household_id", "=", householdId)
    .execute();
  await trx
    .updateTable("absences")
    .set({ document_id: null })
    .where("household_id", "=", householdId)
    .execute();
  for (const table of ["documents", "health_records", "authorised_persons", "child_consents"] as const)
    await trx.deleteFrom(table).where("household_id", "=", householdId).execute();
  await trx
    .updateTable("children")
    .set({ photo: null, photo_type: null })
    .where("household_id", "=", householdId)
    .execute();
  await trx
    .updateTable("guardians")
    .set({ first_name: "–", last_name: "–", birth_date: null, address_line: null, postal_code: null })
    .set({ city: null, email: null, phone_home: null, phone_mobile: null, phone_work: null })
    .set({ profession: null, employer: null, employer_address: null })
    .where("household_id", "=", householdId)
    .execute();
  await trx
    .updateTable("households")
    .set({ phone_main: null, phone_other: null, caf_number: null, family_quotient: null })
    .set({ fiscal_income_cents: null, tax_shares: null, iban: null, bic: null, account_holder: null })
    .set({ erased_at: sql`now()` })
    .where("id", "=", householdId)
    .execute();
}

/** The job's own trail: actor « system », never a value. */
export async function audit(
  trx: Trx,
  tenantId: string,
  e: { householdId: string | null; action: string; entity: string; fields: string[] },
) {
  await trx
    .insertInto("audit_log")
    .values({
      tenant_id: tenantId,
      household_id: e.householdId,
      actor_id: null,
      actor_kind: "system",
      action: e.action,
      entity: e.entity,
      entity_id: e.householdId,
      fields: e.fields,
    })
    .execute();
}

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

/**
 * Deletes the health records of children left over from a school year that is over: last
 * changed before `yearStart` (the coming year's 1 September) and the child neither booked from
 * then, nor enrolled in a service running then, nor registered at school for `schoolYear`.
 * Returns the households concerned (once per record).
 */
export async function eraseStaleHealthRecords(trx: Trx, yearStart: string, schoolYear: string) {
  const { rows } = await sql<{ household_id: string }>`
    delete from health_records r
    where (r.updated_at at time zone 'Europe/Paris')::date < ${yearStart}::date
      and not exists (select 1 from bookings b where b.child_id = r.child_id and b.day >= ${yearStart}::date
          and b.status not in ('refused', 'cancelled', 'expired'))
      and not exists (
        select 1 from enrolments e where e.child_id = r.child_id and e.ends_on >= ${yearStart}::date
          and e.status in ('pending', 'accepted', 'waiting'))
      and not exists (
        select 1 from school_requests s where s.child_id = r.child_id and s.school_year = ${schoolYear}
          and s.status in ('pending', 'accepted'))
    returning r.household_id`.execute(trx);
  return rows.map((r) => r.household_id);
}
