import { sql } from "kysely";
import type { SessionUser } from "../../../auth/sessions.ts";
import type { Trx } from "../../../db/database.ts";
import type { Attendance } from "../../../db/planning-types.ts";
import { notFound } from "../../../http/errors.ts";
import { FormError } from "../../../http/forms.ts";
import { longDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrite, recordWrites } from "../../audit/service.ts";
import * as healthLog from "../../health-log/service.ts";
import { markAttendance, writeUnbooked } from "../booking/attendance-write.ts";
import { takePlace } from "../booking/places/places.ts";
import { closedOn } from "../booking/rules.ts";
import { type Period, periodsBetween } from "../offer/period-service.ts";
import { canteenCsv } from "./csv.ts";

/** A staff member at « Pointage »: the town, who they are, and the app's clock. */
export interface Staff {
  tenant: Tenant;
  session: SessionUser;
  now: Date;
}

/** The health fields the list shows (read by staff of the town only; the read is audited). */
const HEALTH_FIELDS = ["diet", "allergies_food", "allergies_medication", "allergies_other", "pai"] as const;
/** A booking that means « the child is expected »: a cancellation not yet decided still is. */
const EXPECTED = ["accepted", "cancel_requested"] as const;

const actorOf = (s: Staff): Actor => ({ kind: "staff", userId: s.session.userId });

/** Every service of the town, in the offer's order, for the service picker. */
function listServices(trx: Trx) {
  return trx
    .selectFrom("services as s")
    .innerJoin("facilities as f", "f.id", "s.facility_id")
    .select(["s.id", "s.key", "s.name", "f.name as facility"])
    .orderBy("f.position")
    .orderBy("s.position")
    .execute();
}

type ServiceRow = Awaited<ReturnType<typeof listServices>>[number];

async function serviceOr404(trx: Trx, serviceId: string | null): Promise<[ServiceRow, ServiceRow[]]> {
  const services = await listServices(trx);
  const service = serviceId ? services.find((s) => s.id === serviceId) : services[0];
  if (!service) throw notFound();
  return [service, services];
}

/** The bookings of the day that expect a child, with what the canteen must know about them. */
function expectedQuery(trx: Trx, serviceId: string, day: string) {
  return trx
    .selectFrom("bookings as b")
    .innerJoin("children as c", "c.id", "b.child_id")
    .leftJoin("health_records as h", "h.child_id", "b.child_id")
    .leftJoin("absences as a", (j) => j.onRef("a.booking_id", "=", "b.id").on("a.status", "=", "accepted"))
    .select([
      "b.id",
      "b.household_id",
      "b.attendance",
      "b.unbooked",
      "c.id as child_id",
      "c.first_name",
      "c.last_name",
      "c.class_level",
      "a.billed as absence_billed",
    ])
    .select(HEALTH_FIELDS.map((f) => `h.${f}` as const))
    .where("b.service_id", "=", serviceId)
    .where("b.day", "=", day)
    .where("b.status", "in", EXPECTED)
    .orderBy("c.last_name")
    .orderBy("c.first_name");
}

/** The expected children of the day, as « Pointage » lists them. */
async function expectedRows(trx: Trx, serviceId: string, day: string) {
  return (await expectedQuery(trx, serviceId, day).execute()).map(toExpected);
}

type ExpectedRow = Awaited<ReturnType<ReturnType<typeof expectedQuery>["execute"]>>[number];

function toExpected(r: ExpectedRow) {
  return {
    bookingId: r.id,
    householdId: r.household_id,
    childId: r.child_id,
    firstName: r.first_name,
    lastName: r.last_name,
    classLevel: r.class_level ?? "",
    diet: r.diet ?? "",
    allergies: allergiesOf(r),
    pai: r.pai === true,
    unbooked: r.unbooked,
    attendance: r.attendance,
    mark: r.attendance ?? absenceMark(r.absence_billed),
  };
}

export type ExpectedChild = ReturnType<typeof toExpected>;

function absenceMark(billed: boolean | null): Attendance | null {
  if (billed === null) return null;
  return billed ? "absent_billed" : "absent_excused";
}

function allergiesOf(r: {
  allergies_food: string | null;
  allergies_medication: string | null;
  allergies_other: string | null;
}): string {
  return [
    ["Alimentaires", r.allergies_food],
    ["Médicamenteuses", r.allergies_medication],
    ["Autres", r.allergies_other],
  ]
    .filter(([, v]) => v?.trim())
    .map(([k, v]) => `${k} : ${v?.trim()}`)
    .join(" / ");
}

function countsOf(rows: ExpectedChild[]) {
  return {
    expected: rows.length,
    present: rows.filter((r) => r.mark === "present").length,
    absent: rows.filter((r) => r.mark === "absent_excused" || r.mark === "absent_billed").length,
  };
}

/** Why the service does not run that day (no period, closure, holiday), or null. */
async function closedLabel(trx: Trx, tenant: Tenant, serviceId: string, day: string) {
  const periods = (await periodsBetween(trx, day, day)).filter((p) => p.service.id === serviceId);
  if (periods.length === 0) return "Aucune période de ce service ne couvre ce jour.";
  const closed = periods.map((p) => closedOn(p, day, tenant.config.holidayZone));
  return closed.every(Boolean) ? (closed[0]?.label ?? null) : null;
}

/** « Pointage » of one service and day; reading the children's health data is audited, per child too. */
export async function dayList(
  trx: Trx,
  s: Staff,
  serviceId: string | null,
  day: string,
  what: "pointage" | "export" = "pointage",
) {
  const [service, services] = await serviceOr404(trx, serviceId);
  const rows = await expectedRows(trx, service.id, day);
  if (rows.length)
    await recordWrite(trx, s.tenant.id, actorOf(s), {
      householdId: null,
      action: "read",
      entity: "health_records",
      entityId: null,
      fields: [...HEALTH_FIELDS],
    });
  await healthLog.recordInTransaction(trx, s.tenant, s.session, rows, what);
  const closed = await closedLabel(trx, s.tenant, service.id, day);
  return { service, services, day, rows, counts: countsOf(rows), closed };
}

/** « Enregistrer le pointage »: every changed mark of the day's expected children at once. */
export async function saveMarks(
  trx: Trx,
  s: Staff,
  serviceId: string,
  day: string,
  marks: Map<string, Attendance>,
) {
  const [service] = await serviceOr404(trx, serviceId);
  const rows = await expectedRows(trx, service.id, day);
  const byId = new Map(rows.map((r) => [r.bookingId, r]));
  if ([...marks.keys()].some((id) => !byId.has(id))) throw notFound();
  const changed = [...marks].filter(([id, mark]) => byId.get(id)?.attendance !== mark);
  for (const [mark, ids] of idsByMark(changed)) await markAttendance(trx, ids, mark, s.session.userId, s.now);
  await recordWrites(
    trx,
    s.tenant.id,
    actorOf(s),
    changed.map(([id]) => ({
      householdId: byId.get(id)?.householdId ?? null,
      action: "attendance",
      entity: "bookings",
      entityId: id,
      fields: ["attendance"],
    })),
  );
  return changed.length;
}

/** The changed bookings grouped by their new mark: one UPDATE per mark, not per child. */
function idsByMark(changed: [string, Attendance][]): Map<Attendance, string[]> {
  const groups = new Map<Attendance, string[]>();
  for (const [id, mark] of changed) {
    const ids = groups.get(mark);
    if (ids) ids.push(id);
    else groups.set(mark, [id]);
  }
  return groups;
}

/** Children of the town whose name matches, for « Ajouter un enfant venu sans réservation ». */
export function searchChildren(trx: Trx, q: string) {
  const pattern = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  return trx
    .selectFrom("children as c")
    .innerJoin("households as h", "h.id", "c.household_id")
    .select(["c.id", "c.first_name", "c.last_name", "c.class_level", "h.name as household"])
    .where((eb) =>
      eb.or([
        eb("c.last_name", "ilike", pattern),
        eb("c.first_name", "ilike", pattern),
        eb(sql<string>`c.first_name || ' ' || c.last_name`, "ilike", pattern),
      ]),
    )
    .orderBy("c.last_name")
    .orderBy("c.first_name")
    .limit(20)
    .execute();
}

/** The period of the service that is open that day (the unbooked child's booking goes there). */
async function openPeriod(trx: Trx, tenant: Tenant, serviceId: string, day: string): Promise<Period> {
  const periods = (await periodsBetween(trx, day, day)).filter((p) => p.service.id === serviceId);
  const open = periods.find((p) => !closedOn(p, day, tenant.config.holidayZone));
  if (open) return open;
  const why = await closedLabel(trx, tenant, serviceId, day);
  throw FormError.at("enfant", `Le service ne fonctionne pas le ${longDate(day)} : ${why}`);
}

async function refuseIfBooked(trx: Trx, childId: string, period: Period, day: string, name: string) {
  const live = await trx
    .selectFrom("bookings")
    .select("id")
    .where("child_id", "=", childId)
    .where("period_id", "=", period.id)
    .where("day", "=", day)
    .where("status", "in", ["pending", "accepted", "waiting", "offered", "cancel_requested"])
    .executeTakeFirst();
  if (live) throw FormError.at("enfant", `${name} a déjà une réservation le ${longDate(day)}.`);
}

/**
 * A child who came without a booking: an accepted booking marked « unbooked » and present.
 * It takes a place like any booking, so a full day refuses it and nothing is saved.
 */
export async function addUnbooked(trx: Trx, s: Staff, serviceId: string, day: string, childId: string) {
  const [service] = await serviceOr404(trx, serviceId);
  const child = await trx
    .selectFrom("children")
    .select(["id", "household_id", "first_name", "last_name"])
    .where("id", "=", childId)
    .executeTakeFirstOrThrow(notFound);
  const name = `${child.first_name} ${child.last_name}`;
  const period = await openPeriod(trx, s.tenant, service.id, day);
  await refuseIfBooked(trx, child.id, period, day, name);
  if (!(await takePlace(trx, s.tenant.id, period, day)))
    throw FormError.at(
      "enfant",
      `Complet le ${longDate(day)} : plus de place en ${service.name}. ${name} n'a pas été ajouté.`,
    );
  // A double click waited on the day's occupancy lock above: it finds the first booking now.
  await refuseIfBooked(trx, child.id, period, day, name);
  const marker = {
    tenantId: s.tenant.id,
    actor: actorOf(s),
    userId: s.session.userId,
    name: `${s.session.firstName} ${s.session.lastName}`,
    now: s.now,
  };
  await writeUnbooked(trx, marker, period, day, child);
  return name;
}

/** The day's list as a CSV file for the canteen. */
export async function dayCsv(trx: Trx, s: Staff, serviceId: string | null, day: string) {
  const list = await dayList(trx, s, serviceId, day, "export");
  return { body: canteenCsv(list), filename: `pointage-${list.service.key}-${day}.csv` };
}

/** One expected child of the day, as the list shows it (the row « Pointage » saved in place). */
export async function expectedChild(trx: Trx, serviceId: string, day: string, bookingId: string) {
  const row = (await expectedRows(trx, serviceId, day)).find((r) => r.bookingId === bookingId);
  if (!row) throw notFound();
  return row;
}
