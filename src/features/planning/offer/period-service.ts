import type { Trx } from "../../../db/database.ts";
import type { Closure } from "../../../db/planning-types.ts";
import { type BookingRules, DEFAULT_RULES, type Eligibility } from "../../../tenancy/planning-schema.ts";
import { periodPlaces } from "../common/place-query.ts";

/** A period with its service, facility and effective rules (defaults ‹ service ‹ period). */
export interface Period {
  id: string;
  key: string;
  name: string;
  category: string | null;
  startsOn: string;
  endsOn: string;
  weekdays: number[];
  closures: Closure[];
  schoolDaysOnly: boolean;
  bookingOpensOn: string | null;
  bookingClosesOn: string | null;
  rules: BookingRules;
  service: { id: string; key: string; name: string; unit: string; eligibility: Eligibility };
  facility: { id: string; key: string; name: string };
}

export function baseQuery(trx: Trx) {
  return periodPlaces(trx)
    .select([
      "p.id",
      "p.key",
      "p.name",
      "p.category",
      "p.starts_on",
      "p.ends_on",
      "p.weekdays",
      "p.closures",
      "p.school_days_only",
      "p.booking_opens_on",
      "p.booking_closes_on",
      "p.rules as period_rules",
      "s.id as service_id",
      "s.key as service_key",
      "s.name as service_name",
      "s.unit",
      "s.eligibility",
      "s.rules as service_rules",
      "f.id as facility_id",
      "f.key as facility_key",
      "f.name as facility_name",
    ])
    .orderBy("f.position")
    .orderBy("s.position")
    .orderBy("p.starts_on")
    .orderBy("p.name");
}

export type PeriodRow = Awaited<ReturnType<ReturnType<typeof baseQuery>["execute"]>>[number];

export function toPeriod(r: PeriodRow): Period {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    category: r.category,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    weekdays: r.weekdays,
    closures: r.closures,
    schoolDaysOnly: r.school_days_only,
    bookingOpensOn: r.booking_opens_on,
    bookingClosesOn: r.booking_closes_on,
    rules: { ...DEFAULT_RULES, ...r.service_rules, ...r.period_rules },
    service: {
      id: r.service_id,
      key: r.service_key,
      name: r.service_name,
      unit: r.unit,
      eligibility: r.eligibility,
    },
    facility: { id: r.facility_id, key: r.facility_key, name: r.facility_name },
  };
}

/** Every period of the town's offer, in the offer's order. */
export async function allPeriods(trx: Trx): Promise<Period[]> {
  return (await baseQuery(trx).execute()).map(toPeriod);
}

/** Periods that overlap [from, to]. */
export async function periodsBetween(trx: Trx, from: string, to: string): Promise<Period[]> {
  const rows = await baseQuery(trx).where("p.starts_on", "<=", to).where("p.ends_on", ">=", from).execute();
  return rows.map(toPeriod);
}

export async function findPeriod(trx: Trx, id: string): Promise<Period | undefined> {
  const row = await baseQuery(trx).where("p.id", "=", id).executeTakeFirst();
  return row && toPeriod(row);
}
