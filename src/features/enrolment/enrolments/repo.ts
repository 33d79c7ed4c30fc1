import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { EnrolmentMode, EnrolmentStatus } from "../../../db/enrolment-types.ts";

export const LIVE: EnrolmentStatus[] = ["pending", "accepted", "waiting"];

const withNames = (trx: Trx) =>
  trx
    .selectFrom("enrolments as e")
    .innerJoin("children as c", "c.id", "e.child_id")
    .innerJoin("periods as p", "p.id", "e.period_id")
    .innerJoin("services as s", "s.id", "e.service_id")
    .innerJoin("facilities as f", "f.id", "s.facility_id")
    .selectAll("e")
    .select([
      "c.first_name",
      "c.last_name",
      "p.name as period_name",
      "s.name as service_name",
      "f.name as facility_name",
    ]);

export type EnrolmentRow = Awaited<ReturnType<ReturnType<typeof withNames>["execute"]>>[number];

/** The household's enrolments, newest first (RLS fences parents to their own). */
export function ofHousehold(trx: Trx, householdId: string) {
  return withNames(trx)
    .where("e.household_id", "=", householdId)
    .orderBy("c.birth_date")
    .orderBy("e.created_at", "desc")
    .execute();
}

/** The chosen enrolments, locked, oldest first. */
export function lockMany(trx: Trx, ids: string[]) {
  return withNames(trx)
    .where("e.id", "in", ids)
    .orderBy("e.created_at")
    .orderBy("e.id")
    .forUpdate("e")
    .execute();
}

export function findOne(trx: Trx, id: string) {
  return withNames(trx).where("e.id", "=", id).forUpdate("e").executeTakeFirst();
}

/** « Inscriptions à traiter »: pending and waiting, by period then first come. */
export function queue(trx: Trx, periodId: string | undefined) {
  return withNames(trx)
    .innerJoin("households as h", "h.id", "e.household_id")
    .select(["h.name as household_name", "h.number as household_number"])
    .where("e.status", "in", ["pending", "waiting"])
    .$if(periodId !== undefined, (q) => q.where("e.period_id", "=", periodId as string))
    .orderBy("f.position")
    .orderBy("s.position")
    .orderBy("p.starts_on")
    .orderBy("e.status")
    .orderBy("e.created_at")
    .orderBy("e.id")
    .execute();
}

/** The period's enrolments, whoever they are for. */
const ofPeriod = (trx: Trx, periodId: string) =>
  trx.selectFrom("enrolments").where("period_id", "=", periodId);

/** The waiting enrolments of a period, first come first. */
export async function waitingIds(trx: Trx, periodId: string): Promise<string[]> {
  const rows = await ofPeriod(trx, periodId)
    .select("id")
    .where("status", "=", "waiting")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

export async function hasLive(trx: Trx, childId: string, periodId: string): Promise<boolean> {
  const row = await ofPeriod(trx, periodId)
    .select("id")
    .where("child_id", "=", childId)
    .where("status", "in", LIVE)
    .executeTakeFirst();
  return row !== undefined;
}

export interface NewEnrolment {
  tenantId: string;
  householdId: string;
  childId: string;
  periodId: string;
  serviceId: string;
  mode: EnrolmentMode;
  weekdays: number[];
  startsOn: string;
  endsOn: string;
  createdBy: string;
}

export async function insert(trx: Trx, e: NewEnrolment): Promise<string> {
  const row = await trx
    .insertInto("enrolments")
    .values({
      tenant_id: e.tenantId,
      household_id: e.householdId,
      child_id: e.childId,
      period_id: e.periodId,
      service_id: e.serviceId,
      mode: e.mode,
      weekdays: e.weekdays,
      starts_on: e.startsOn,
      ends_on: e.endsOn,
      created_by: e.createdBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface Change {
  status: EnrolmentStatus;
  reason?: string | null;
  dossierId?: string | null;
  bookedDays?: number;
  endsOn?: string;
  decidedBy?: string;
}

export async function update(trx: Trx, id: string, c: Change): Promise<void> {
  await trx
    .updateTable("enrolments")
    .set({
      status: c.status,
      updated_at: sql`now()`,
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      ...(c.dossierId !== undefined ? { dossier_id: c.dossierId } : {}),
      ...(c.bookedDays !== undefined ? { booked_days: c.bookedDays } : {}),
      ...(c.endsOn !== undefined ? { ends_on: c.endsOn } : {}),
      ...(c.decidedBy !== undefined ? { decided_by: c.decidedBy, decided_at: sql`now()` } : {}),
    })
    .where("id", "=", id)
    .execute();
}

/**
 * Staff decisions on many requests in one statement: each row's status and reason, and for
 * the accepted regular ones the dossier of their bookings and how many days it holds.
 */
export async function decideMany(
  trx: Trx,
  decidedBy: string,
  rows: {
    id: string;
    status: EnrolmentStatus;
    reason: string | null;
    dossierId: string | null;
    booked: number | null;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  await sql`
    update enrolments e set status = v.status, reason = v.reason, decided_by = ${decidedBy}::uuid,
      decided_at = now(), updated_at = now(),
      dossier_id = coalesce(v.dossier_id, e.dossier_id), booked_days = coalesce(v.booked, e.booked_days)
    from unnest(${col("id")}::uuid[], ${col("status")}::text[], ${col("reason")}::text[],
      ${col("dossierId")}::uuid[], ${col("booked")}::int[]) as v(id, status, reason, dossier_id, booked)
    where e.id = v.id`.execute(trx);
}

/** Children among `childIds` without an accepted enrolment in the period covering `day`. */
export async function covered(trx: Trx, periodId: string, childIds: string[]) {
  return ofPeriod(trx, periodId)
    .select(["child_id", "starts_on", "ends_on"])
    .where("child_id", "in", childIds)
    .where("status", "=", "accepted")
    .execute();
}
