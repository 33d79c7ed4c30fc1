import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { HouseholdsTable } from "../../db/household-types.ts";
import type { Values } from "../requests/service.ts";

const GUARDIAN_COLUMNS = [
  "civility",
  "last_name",
  "first_name",
  "birth_date",
  "sex",
  "address_line",
  "postal_code",
  "city",
  "email",
  "phone_home",
  "phone_mobile",
  "phone_work",
  "profession",
  "employer",
  "employer_address",
  "consent_email",
  "consent_sms",
] as const;

const householdGuardians = (trx: Trx, householdId: string) =>
  trx.selectFrom("guardians").where("household_id", "=", householdId);

export function guardian(trx: Trx, householdId: string, rank: 1 | 2) {
  return householdGuardians(trx, householdId)
    .select(["id", "user_id", ...GUARDIAN_COLUMNS])
    .where("rank", "=", rank)
    .executeTakeFirst();
}

export async function updateGuardian(trx: Trx, id: string, values: Values) {
  await trx
    .updateTable("guardians")
    .set({ ...values, updated_at: sql`now()` })
    .where("id", "=", id)
    .execute();
}

export async function insertGuardian(trx: Trx, householdId: string, rank: 1 | 2, values: Values) {
  const row = await trx
    .insertInto("guardians")
    .values({
      ...(values as { first_name: string; last_name: string }),
      tenant_id: sql<string>`(select app.tenant_id())`,
      household_id: householdId,
      rank,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteGuardian(trx: Trx, id: string) {
  await trx.deleteFrom("guardians").where("id", "=", id).execute();
}

export type HouseholdColumn = keyof HouseholdsTable & string;

export function household<K extends HouseholdColumn>(trx: Trx, householdId: string, columns: readonly K[]) {
  return trx
    .selectFrom("households")
    .select(["id", "number", "name", ...columns])
    .where("id", "=", householdId)
    .executeTakeFirst();
}

export async function updateHousehold(trx: Trx, householdId: string, values: Values) {
  await trx
    .updateTable("households")
    .set({ ...values, updated_at: sql`now()` })
    .where("id", "=", householdId)
    .execute();
}

/** A guardian of the household by id (the parent persona's fence keeps other households out). */
export function guardianById(trx: Trx, householdId: string, id: string) {
  return householdGuardians(trx, householdId)
    .select(["id", "rank", "user_id", "email", "civility", "first_name", "last_name"])
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The guardian row of an account: rank 1 for the account holder, 2 for an invited partner. */
export function guardianOfUser(trx: Trx, householdId: string, userId: string) {
  return householdGuardians(trx, householdId)
    .select(["id", "rank"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

export function linkUser(trx: Trx, guardianId: string, userId: string) {
  return updateGuardian(trx, guardianId, { user_id: userId });
}
