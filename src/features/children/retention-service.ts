import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/** An erased household's children lose their photo, health records, authorised persons and consents. */
export async function eraseHouseholdChildren(trx: Trx, householdId: string): Promise<void> {
  await trx.deleteFrom("health_records").where("household_id", "=", householdId).execute();
  await trx.deleteFrom("authorised_persons").where("household_id", "=", householdId).execute();
  await trx.deleteFrom("child_consents").where("household_id", "=", householdId).execute();
  await trx
    .updateTable("children")
    .set({ photo: null, photo_type: null })
    .where("household_id", "=", householdId)
    .execute();
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
