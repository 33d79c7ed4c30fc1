import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";

/** The school each street of the town's map belongs to. */
const streetSchools = (trx: Trx) => trx.selectFrom("school_streets").select("school");

/** The town's public schools: the ones its school map names. */
export async function schools(trx: Trx): Promise<string[]> {
  const rows = await streetSchools(trx).distinct().orderBy("school").execute();
  return rows.map((r) => r.school);
}

export async function schoolOfStreet(trx: Trx, key: string): Promise<string | null> {
  const row = await streetSchools(trx).where("street_key", "=", key).executeTakeFirst();
  return row?.school ?? null;
}

/** Replaces the whole map (one import = the town's current map). */
export async function replaceMap(
  trx: Trx,
  tenantId: string,
  rows: { key: string; street: string; school: string }[],
) {
  await trx.deleteFrom("school_streets").execute();
  if (rows.length)
    await trx
      .insertInto("school_streets")
      .values(
        rows.map((r) => ({ tenant_id: tenantId, street_key: r.key, street: r.street, school: r.school })),
      )
      .execute();
}

const withNames = (trx: Trx) =>
  trx
    .selectFrom("school_requests as r")
    .innerJoin("children as c", "c.id", "r.child_id")
    .innerJoin("households as h", "h.id", "r.household_id")
    .selectAll("r")
    .select([
      "c.first_name",
      "c.last_name",
      "c.birth_date",
      "h.name as household_name",
      "h.number as household_number",
      "h.address_line",
      "h.postal_code",
      "h.city",
    ]);

export type SchoolRequestRow = Awaited<ReturnType<ReturnType<typeof withNames>["execute"]>>[number];

export function ofHousehold(trx: Trx, householdId: string) {
  return withNames(trx).where("r.household_id", "=", householdId).orderBy("r.created_at", "desc").execute();
}

export function findOne(trx: Trx, id: string) {
  return withNames(trx).where("r.id", "=", id).executeTakeFirst();
}

export function lockOne(trx: Trx, id: string) {
  return withNames(trx).where("r.id", "=", id).forUpdate("r").executeTakeFirst();
}

/** Staff's list: by school year, school and level, optionally one school. */
export function listFor(trx: Trx, school: string | undefined) {
  return withNames(trx)
    .where("r.status", "in", ["pending", "accepted", "refused"])
    .$if(school !== undefined, (q) => q.where("r.school", "=", school as string))
    .orderBy("r.school_year")
    .orderBy("r.school")
    .orderBy("r.level")
    .orderBy("c.last_name")
    .orderBy("c.first_name")
    .execute();
}

export async function hasLive(trx: Trx, childId: string, year: string): Promise<boolean> {
  const row = await trx
    .selectFrom("school_requests")
    .select("id")
    .where("child_id", "=", childId)
    .where("school_year", "=", year)
    .where("status", "in", ["pending", "accepted"])
    .executeTakeFirst();
  return row !== undefined;
}

export async function insert(
  trx: Trx,
  v: {
    tenantId: string;
    householdId: string;
    childId: string;
    year: string;
    level: string;
    sector: string | null;
    school: string;
    derogationReason: string | null;
    userId: string;
  },
) {
  const row = await trx
    .insertInto("school_requests")
    .values({
      tenant_id: v.tenantId,
      household_id: v.householdId,
      child_id: v.childId,
      school_year: v.year,
      level: v.level,
      sector_school: v.sector,
      school: v.school,
      derogation: v.derogationReason !== null,
      derogation_reason: v.derogationReason,
      created_by: v.userId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function decide(
  trx: Trx,
  id: string,
  d: { status: "accepted" | "refused" | "withdrawn"; reason?: string | null; number?: number; by?: string },
) {
  await trx
    .updateTable("school_requests")
    .set({
      status: d.status,
      ...(d.reason !== undefined ? { reason: d.reason } : {}),
      ...(d.number !== undefined ? { certificate_number: d.number } : {}),
      ...(d.by ? { decided_by: d.by, decided_at: sql`now()` } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/** The document types the town requires with every school request (none until staff choose). */
export async function requiredDocuments(trx: Trx): Promise<string[]> {
  const row = await trx.selectFrom("school_settings").select("documents").executeTakeFirst();
  return row?.documents ?? [];
}

export async function setRequiredDocuments(trx: Trx, tenantId: string, documents: string[]) {
  await trx
    .insertInto("school_settings")
    .values({ tenant_id: tenantId, documents })
    .onConflict((oc) => oc.column("tenant_id").doUpdateSet({ documents, updated_at: sql`now()` }))
    .execute();
}
