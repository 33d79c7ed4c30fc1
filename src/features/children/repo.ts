import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

// Every query names the household: staff (who see the whole town) apply requests through
// these functions too, and a child of another household must stay out of reach.

const CHILD = ["id", "first_name", "last_name", "birth_date", "sex", "school", "class_level"] as const;

const householdChildren = (trx: Trx, householdId: string) =>
  trx.selectFrom("children").where("household_id", "=", householdId);

export function listChildren(trx: Trx, householdId: string) {
  return householdChildren(trx, householdId).select(CHILD).orderBy("birth_date").execute();
}

export function findChild(trx: Trx, householdId: string, id: string) {
  return householdChildren(trx, householdId).select(CHILD).where("id", "=", id).executeTakeFirst();
}

/** The child's photo (JPEG), if any. */
export async function findPhoto(trx: Trx, householdId: string, id: string) {
  const row = await householdChildren(trx, householdId)
    .select(["photo", "photo_type"])
    .where("id", "=", id)
    .executeTakeFirst();
  return row?.photo ? { content: row.photo, type: row.photo_type ?? "image/jpeg" } : null;
}

/** Stores (or with null, removes) the child's photo. */
export function setPhoto(trx: Trx, householdId: string, id: string, jpeg: Buffer | null) {
  return updateChild(trx, householdId, id, { photo: jpeg, photo_type: jpeg ? "image/jpeg" : null });
}

/** The town of a household, for the rows a section handler inserts. */
export async function tenantOf(trx: Trx, householdId: string): Promise<string> {
  const row = await trx
    .selectFrom("households")
    .select("tenant_id")
    .where("id", "=", householdId)
    .executeTakeFirstOrThrow();
  return row.tenant_id;
}

export interface ChildRow {
  first_name: string;
  last_name: string;
  birth_date: string;
  sex: "M" | "F" | null;
  school: string | null;
  class_level: string | null;
}

export async function insertChild(trx: Trx, householdId: string, row: ChildRow): Promise<string> {
  const tenantId = await tenantOf(trx, householdId);
  const r = await trx
    .insertInto("children")
    .values({ ...row, tenant_id: tenantId, household_id: householdId })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updateChild(
  trx: Trx,
  householdId: string,
  id: string,
  patch: Partial<ChildRow & { photo: Buffer | null; photo_type: string | null }>,
) {
  await trx
    .updateTable("children")
    .set({ ...patch, updated_at: sql`now()` })
    .where("household_id", "=", householdId)
    .where("id", "=", id)
    .execute();
}

export function findHealth(trx: Trx, householdId: string, childId: string) {
  return trx
    .selectFrom("health_records")
    .selectAll()
    .where("household_id", "=", householdId)
    .where("child_id", "=", childId)
    .executeTakeFirst();
}

export interface HealthPatch {
  doctor_name?: string | null;
  doctor_phone?: string | null;
  vaccinations?: string;
  allergies_food?: string | null;
  allergies_medication?: string | null;
  allergies_other?: string | null;
  pai?: boolean;
  diet?: string | null;
  treatments?: string | null;
  glasses?: boolean;
  hearing_aid?: boolean;
  remarks?: string | null;
}

/** The child's health record, created at its first answer. */
export async function upsertHealth(trx: Trx, householdId: string, childId: string, patch: HealthPatch) {
  const tenantId = await tenantOf(trx, householdId);
  await trx
    .insertInto("health_records")
    .values({ ...patch, tenant_id: tenantId, household_id: householdId, child_id: childId })
    .onConflict((oc) =>
      oc.columns(["tenant_id", "child_id"]).doUpdateSet({ ...patch, updated_at: sql`now()` }),
    )
    .execute();
}

const PERSON = [
  "id",
  "child_id",
  "first_name",
  "last_name",
  "relationship",
  "phone",
  "phone_other",
  "can_pick_up",
  "emergency_contact",
  "is_minor",
] as const;

const householdPersons = (trx: Trx, householdId: string) =>
  trx.selectFrom("authorised_persons").select(PERSON).where("household_id", "=", householdId);

export function listPersons(trx: Trx, householdId: string, childId: string) {
  return householdPersons(trx, householdId)
    .where("child_id", "=", childId)
    .orderBy("last_name")
    .orderBy("first_name")
    .execute();
}

export function findPerson(trx: Trx, householdId: string, id: string) {
  return householdPersons(trx, householdId).where("id", "=", id).executeTakeFirst();
}

export interface PersonPatch {
  first_name?: string;
  last_name?: string;
  relationship?: string | null;
  phone?: string;
  phone_other?: string | null;
  can_pick_up?: boolean;
  emergency_contact?: boolean;
  is_minor?: boolean;
}

export async function insertPerson(
  trx: Trx,
  householdId: string,
  childId: string,
  row: PersonPatch & { first_name: string; last_name: string; phone: string },
): Promise<string> {
  const tenantId = await tenantOf(trx, householdId);
  const r = await trx
    .insertInto("authorised_persons")
    .values({ ...row, tenant_id: tenantId, household_id: householdId, child_id: childId })
    .returning("id")
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function updatePerson(trx: Trx, householdId: string, id: string, patch: PersonPatch) {
  await trx
    .updateTable("authorised_persons")
    .set(patch)
    .where("household_id", "=", householdId)
    .where("id", "=", id)
    .execute();
}

export async function deletePerson(trx: Trx, householdId: string, id: string) {
  await trx
    .deleteFrom("authorised_persons")
    .where("household_id", "=", householdId)
    .where("id", "=", id)
    .execute();
}

export function listConsents(trx: Trx, householdId: string, childId: string) {
  return trx
    .selectFrom("child_consents")
    .select(["key", "granted", "answered_at"])
    .where("household_id", "=", householdId)
    .where("child_id", "=", childId)
    .execute();
}

/** One consent answer; its date is the day of the (new) answer. */
export async function upsertConsent(
  trx: Trx,
  householdId: string,
  childId: string,
  key: string,
  granted: boolean,
) {
  const tenantId = await tenantOf(trx, householdId);
  await trx
    .insertInto("child_consents")
    .values({ tenant_id: tenantId, household_id: householdId, child_id: childId, key, granted })
    .onConflict((oc) =>
      oc.columns(["tenant_id", "child_id", "key"]).doUpdateSet({ granted, answered_at: sql`now()` }),
    )
    .execute();
}
