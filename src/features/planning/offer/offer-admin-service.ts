import type { Trx } from "../../../db/database.ts";
import type { Closure } from "../../../db/planning-types.ts";
import { notFound } from "../../../http/errors.ts";
import { longDate, parisToday } from "../../../lib/dates.ts";
import { slugOf } from "../../../lib/slug.ts";
import { type BookingRules, DEFAULT_RULES, type Eligibility } from "../../../tenancy/planning-schema.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import type { PeriodForm, RawForm, ServiceForm } from "./offer-schemas.ts";
import { allPeriods, findPeriod, type Period } from "./period-service.ts";

/** An admin of the town editing its offer (facilities › services › periods). */
export interface Admin {
  tenant: { id: string };
  userId: string;
  now: Date;
}

export type Outcome = { ok: true; id: string } | { ok: false; errors: Record<string, string> };

const actorOf = (a: Admin): Actor => ({ kind: "staff", userId: a.userId });

function audit(
  trx: Trx,
  a: Admin,
  entity: "services" | "periods",
  id: string,
  action: string,
  fields: string[],
) {
  return recordWrite(trx, a.tenant.id, actorOf(a), {
    householdId: null,
    action,
    entity,
    entityId: id,
    fields,
  });
}

/** « Offre »: établissements › services › périodes, services without a period included. */
export async function listOffer(trx: Trx) {
  const periods = await allPeriods(trx);
  const services = await trx
    .selectFrom("services as s")
    .innerJoin("facilities as f", "f.id", "s.facility_id")
    .select(["s.id", "s.name", "s.rules", "f.id as facility_id", "f.name as facility"])
    .orderBy("f.position")
    .orderBy("s.position")
    .execute();
  const facilities: { id: string; name: string; services: unknown[] }[] = [];
  for (const s of services) {
    if (facilities.at(-1)?.id !== s.facility_id)
      facilities.push({ id: s.facility_id, name: s.facility, services: [] });
    facilities.at(-1)?.services.push({
      id: s.id,
      name: s.name,
      rules: { ...DEFAULT_RULES, ...s.rules },
      periods: periods.filter((p) => p.service.id === s.id),
    });
  }
  return facilities;
}

async function serviceRow(trx: Trx, id: string) {
  const row = await trx
    .selectFrom("services as s")
    .innerJoin("facilities as f", "f.id", "s.facility_id")
    .select(["s.id", "s.name", "s.rules", "s.eligibility", "f.name as facility"])
    .where("s.id", "=", id)
    .executeTakeFirstOrThrow(notFound);
  return { ...row, effective: { ...DEFAULT_RULES, ...row.rules } as BookingRules };
}

const str = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));

/** The service's rules and eligibility as the form shows them. */
export async function serviceForm(trx: Trx, id: string) {
  const s = await serviceRow(trx, id);
  const r = s.effective;
  const values: RawForm = {
    ...Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? String(v) : (v ?? "")]),
    ),
    capacity: str(r.capacity),
    enrolmentRequired: r.enrolmentRequired ? "oui" : "non",
    enrolmentDocuments: r.enrolmentDocuments,
    minAge: str(s.eligibility.minAge),
    maxAge: str(s.eligibility.maxAge),
    levels: s.eligibility.levels ?? [],
  };
  return { service: { id: s.id, name: s.name, facility: s.facility }, values };
}

/** Days from today on where more places are taken than `capacity` allows (named in French). */
async function overbooked(trx: Trx, a: Admin, periodIds: string[], capacity: number | null) {
  if (capacity === null || periodIds.length === 0) return null;
  const rows = await trx
    .selectFrom("occupancy")
    .select(["day", "taken"])
    .where("period_id", "in", periodIds)
    .where("day", ">=", parisToday(a.now))
    .where("taken", ">", capacity)
    .orderBy("day")
    .execute();
  if (rows.length === 0) return null;
  const days = rows.slice(0, 10).map((r) => `${longDate(r.day)} (${r.taken} places prises)`);
  const more = rows.length > 10 ? ` et ${rows.length - 10} autre(s) jour(s)` : "";
  return `Capacité trop basse : plus de ${capacity} places sont déjà prises le ${days.join(", ")}${more}.`;
}

/** Saves the service's rules and eligibility; lowering the capacity under places taken is refused. */
export async function updateService(trx: Trx, a: Admin, id: string, form: ServiceForm): Promise<Outcome> {
  const before = await serviceRow(trx, id);
  const { minAge, maxAge, levels, ...rules } = form;
  const inheriting = await trx
    .selectFrom("periods")
    .select(["id", "rules"])
    .where("service_id", "=", id)
    .execute();
  const ids = inheriting.filter((p) => p.rules.capacity === undefined).map((p) => p.id);
  const tooLow = await overbooked(trx, a, ids, rules.capacity);
  if (tooLow) return { ok: false, errors: { capacity: tooLow } };
  const eligibility: Eligibility = { minAge, maxAge, ...(levels?.length ? { levels } : {}) };
  await trx
    .updateTable("services")
    .set({ rules: JSON.stringify(rules), eligibility: JSON.stringify(eligibility) })
    .where("id", "=", id)
    .execute();
  const changed = (Object.keys(rules) as (keyof BookingRules)[]).filter(
    (k) => before.effective[k] !== rules[k],
  );
  const eligChanged = JSON.stringify(before.eligibility) !== JSON.stringify(eligibility);
  await audit(trx, a, "services", id, "update", [...changed, ...(eligChanged ? ["eligibility"] : [])]);
  return { ok: true, id };
}

/** The period form's values (capacity: the period's own override, empty when it inherits). */
export async function periodForm(trx: Trx, id: string) {
  const period = await findPeriod(trx, id);
  if (!period) throw notFound();
  const own = await trx.selectFrom("periods").select("rules").where("id", "=", id).executeTakeFirstOrThrow();
  return { period, values: periodValues(period, own.rules.capacity) };
}

function periodValues(p: Period, ownCapacity: number | null | undefined): RawForm {
  return {
    name: p.name,
    category: p.category ?? "",
    start: p.startsOn,
    end: p.endsOn,
    weekdays: p.weekdays.map(String),
    schoolDaysOnly: p.schoolDaysOnly ? "oui" : "",
    bookingOpensOn: p.bookingOpensOn ?? "",
    bookingClosesOn: p.bookingClosesOn ?? "",
    capacity: str(ownCapacity),
  };
}

/** A new period's form: the service and sensible blanks. */
export async function newPeriodForm(trx: Trx, serviceId: string) {
  const s = await serviceRow(trx, serviceId);
  const values: RawForm = { weekdays: ["1", "2", "4", "5"], schoolDaysOnly: "oui" };
  return { service: { id: s.id, name: s.name, facility: s.facility }, values };
}

function periodColumns(form: PeriodForm) {
  return {
    name: form.name,
    category: form.category ?? null,
    starts_on: form.start,
    ends_on: form.end,
    weekdays: [...new Set(form.weekdays)].sort((x, y) => x - y),
    school_days_only: form.schoolDaysOnly,
    booking_opens_on: form.bookingOpensOn ?? null,
    booking_closes_on: form.bookingClosesOn ?? null,
  };
}

/** Saves a period; its capacity (own, or the service's) may not fall under places already taken. */
export async function updatePeriod(trx: Trx, a: Admin, id: string, form: PeriodForm): Promise<Outcome> {
  const row = await trx.selectFrom("periods").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  const service = await serviceRow(trx, row.service_id);
  const { capacity: _own, ...rest } = row.rules;
  const rules = form.capacity === undefined ? rest : { ...rest, capacity: form.capacity };
  const tooLow = await overbooked(trx, a, [id], form.capacity ?? service.effective.capacity);
  if (tooLow) return { ok: false, errors: { capacity: tooLow } };
  const columns = periodColumns(form);
  await trx
    .updateTable("periods")
    .set({ ...columns, rules: JSON.stringify(rules), updated_at: a.now })
    .where("id", "=", id)
    .execute();
  const fields = Object.entries(columns)
    .filter(([k, v]) => JSON.stringify(row[k as keyof typeof row]) !== JSON.stringify(v))
    .map(([k]) => k);
  if (row.rules.capacity !== form.capacity) fields.push("capacity");
  await audit(trx, a, "periods", id, "update", fields);
  return { ok: true, id };
}

/** A new period of the service (its key: from the name, made unique). */
export async function createPeriod(trx: Trx, a: Admin, serviceId: string, form: PeriodForm): Promise<string> {
  await serviceRow(trx, serviceId);
  const row = await trx
    .insertInto("periods")
    .values({
      tenant_id: a.tenant.id,
      service_id: serviceId,
      key: `${slugOf(form.name, 48, "periode")}-${crypto.randomUUID().slice(0, 8)}`,
      ...periodColumns(form),
      closures: "[]",
      rules: JSON.stringify(form.capacity === undefined ? {} : { capacity: form.capacity }),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await audit(trx, a, "periods", row.id, "create", ["name", "starts_on", "ends_on", "weekdays"]);
  return row.id;
}

/** Adds or removes one closure (« Fermeture ») of the period. */
export async function changeClosures(
  trx: Trx,
  a: Admin,
  id: string,
  change: (closures: Closure[]) => Closure[],
) {
  const row = await trx.selectFrom("periods").select("closures").where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  const closures = change(row.closures).sort((x, y) => x.from.localeCompare(y.from));
  await trx
    .updateTable("periods")
    .set({ closures: JSON.stringify(closures), updated_at: a.now })
    .where("id", "=", id)
    .execute();
  await audit(trx, a, "periods", id, "update", ["closures"]);
}
