import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { daysBetween, type IsoDate, weekday } from "../../../lib/dates.ts";
import { schoolHoliday } from "../../../lib/school-holidays.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import type { Period } from "../offer/period-service.ts";
import { dossierNumbers } from "./dossier-numbers.ts";
import { closedOn, type Zone } from "./rules.ts";

/**
 * The bookings of regular patterns (« Inscription » « Régulier », issue 15), set-based: a
 * whole school year of many children in a handful of statements, in the caller's transaction.
 * Capacity (architecture §5.10) is kept by the same occupancy rows as a day-by-day booking: they
 * are locked in (period, day) order, the places counted, and a request either gets every
 * one of its days or none. The days are accepted bookings priced like any other.
 */
export interface PatternRequest {
  householdId: string;
  childId: string;
  period: Period;
  days: IsoDate[];
}

export interface PatternOutcome {
  /** null: a day of the pattern is full (the request is left for the waiting list). */
  dossierId: string | null;
  booked: number;
}

const LIVE = ["pending", "accepted", "waiting", "offered", "cancel_requested", "unpaid"] as const;

/** The days of `weekdays` from `from` to `to` the period opens, minus closures, public and school holidays. */
export function patternDays(
  period: Period,
  weekdays: number[],
  from: IsoDate,
  to: IsoDate,
  zone: Zone,
): IsoDate[] {
  const start = from > period.startsOn ? from : period.startsOn;
  const end = to < period.endsOn ? to : period.endsOn;
  if (start > end) return [];
  return daysBetween(start, end).filter(
    (d) => weekdays.includes(weekday(d)) && !closedOn(period, d, zone) && !schoolHoliday(d, zone),
  );
}

const slot = (periodId: string, day: string) => `${periodId}|${day}`;

/** Days a child already holds a live booking for: the pattern leaves them as they are. */
async function alreadyBooked(trx: Trx, requests: PatternRequest[]): Promise<Set<string>> {
  const rows = await trx
    .selectFrom("bookings")
    .select(["child_id", "period_id", "day"])
    .where("child_id", "in", [...new Set(requests.map((r) => r.childId))])
    .where("period_id", "in", [...new Set(requests.map((r) => r.period.id))])
    .where("status", "in", [...LIVE])
    .execute();
  return new Set(rows.map((r) => `${r.child_id}|${slot(r.period_id, r.day)}`));
}

/** Locks the occupancy rows of every slot (creating the missing ones) and returns the places left. */
async function placesLeft(
  trx: Trx,
  tenantId: string,
  requests: PatternRequest[],
): Promise<Map<string, number>> {
  const slots = [...new Set(requests.flatMap((r) => r.days.map((d) => slot(r.period.id, d))))].sort();
  const periods = slots.map((s) => s.split("|")[0] as string);
  const days = slots.map((s) => s.split("|")[1] as string);
  await sql`insert into occupancy (tenant_id, period_id, day)
    select ${tenantId}::uuid, t.p, t.d from unnest(${periods}::uuid[], ${days}::date[]) as t(p, d)
    order by t.p, t.d on conflict do nothing`.execute(trx);
  const rows = await sql<{ period_id: string; day: string; taken: number }>`
    select o.period_id, o.day, o.taken from occupancy o
    join unnest(${periods}::uuid[], ${days}::date[]) as t(p, d) on o.period_id = t.p and o.day = t.d
    order by o.period_id, o.day for update of o`.execute(trx);
  const capacity = new Map(requests.map((r) => [r.period.id, r.period.rules.capacity]));
  return new Map(
    rows.rows.map((o) => [slot(o.period_id, o.day), (capacity.get(o.period_id) ?? Infinity) - o.taken]),
  );
}

/** Books every request that fits, in the order given (first come, first served). */
export async function bookPatterns(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  actorName: string,
  requests: PatternRequest[],
): Promise<PatternOutcome[]> {
  if (requests.length === 0) return [];
  const held = await alreadyBooked(trx, requests);
  const wanted = requests.map((r) => ({
    ...r,
    days: r.days.filter((d) => !held.has(`${r.childId}|${slot(r.period.id, d)}`)),
  }));
  const left = await placesLeft(trx, tenant.id, wanted);
  const fits = wanted.map((r) => {
    if (!r.days.every((d) => (left.get(slot(r.period.id, d)) ?? 0) >= 1)) return false;
    for (const d of r.days) left.set(slot(r.period.id, d), (left.get(slot(r.period.id, d)) ?? 0) - 1);
    return true;
  });
  const accepted = wanted.filter((_, i) => fits[i]);
  const by = { tenant, actor, actorName };
  const dossiers = await createDossiers(trx, by, accepted);
  await insertBookings(trx, by, accepted, dossiers);
  await takePlaces(trx, accepted);
  let next = 0;
  return wanted.map((r, i) =>
    fits[i]
      ? { dossierId: dossiers[next++] as string, booked: r.days.length }
      : { dossierId: null, booked: 0 },
  );
}

/** Who books the patterns: the town, and the staff member the dossiers name as « Référent ». */
interface Booker {
  tenant: Tenant;
  actor: Actor;
  actorName: string;
}

async function createDossiers(trx: Trx, by: Booker, requests: PatternRequest[]): Promise<string[]> {
  if (requests.length === 0) return [];
  const numbers = await dossierNumbers(trx, requests.length);
  const keys = requests.map(() => randomUUID());
  const rows = await trx
    .insertInto("booking_dossiers")
    .values(
      requests.map((r, i) => ({
        tenant_id: by.tenant.id,
        number: numbers[i] as string,
        household_id: r.householdId,
        kind: "booking" as const,
        period_id: r.period.id,
        created_by: by.actor.userId,
        created_by_name: by.actorName,
        idempotency_key: keys[i] as string,
      })),
    )
    .returning(["id", "idempotency_key"])
    .execute();
  const byKey = new Map(rows.map((r) => [r.idempotency_key, r.id]));
  return keys.map((k) => byKey.get(k) as string);
}

async function insertBookings(trx: Trx, by: Booker, requests: PatternRequest[], dossiers: string[]) {
  const cols = {
    h: [] as string[],
    c: [] as string[],
    p: [] as string[],
    s: [] as string[],
    d: [] as string[],
    o: [] as string[],
  };
  requests.forEach((r, i) => {
    for (const day of r.days) {
      cols.h.push(r.householdId);
      cols.c.push(r.childId);
      cols.p.push(r.period.id);
      cols.s.push(r.period.service.id);
      cols.d.push(day);
      cols.o.push(dossiers[i] as string);
    }
  });
  if (cols.d.length === 0) return;
  await sql`insert into bookings (tenant_id, household_id, child_id, period_id, service_id, day, status,
      holds_place, dossier_id, decided_by, decided_at)
    select ${by.tenant.id}::uuid, t.h, t.c, t.p, t.s, t.d, 'accepted', true, t.o, ${by.actor.userId}::uuid, now()
    from unnest(${cols.h}::uuid[], ${cols.c}::uuid[], ${cols.p}::uuid[], ${cols.s}::uuid[], ${cols.d}::date[], ${cols.o}::uuid[])
      as t(h, c, p, s, d, o)`.execute(trx);
}

/** Adds the places taken to the (already locked) occupancy rows, one statement. */
async function takePlaces(trx: Trx, requests: PatternRequest[]) {
  const count = new Map<string, number>();
  for (const r of requests)
    for (const d of r.days) count.set(slot(r.period.id, d), (count.get(slot(r.period.id, d)) ?? 0) + 1);
  if (count.size === 0) return;
  const keys = [...count.keys()];
  await sql`update occupancy o set taken = o.taken + t.n
    from unnest(${keys.map((k) => k.split("|")[0])}::uuid[], ${keys.map((k) => k.split("|")[1])}::date[], ${[...count.values()]}::int[]) as t(p, d, n)
    where o.period_id = t.p and o.day = t.d`.execute(trx);
}

/**
 * Ends a pattern from a day: its live days from then on are cancelled and their places given
 * back; a period with a waiting list gets a place release per day (its job serves the list).
 */
export async function cancelPatternFrom(
  trx: Trx,
  tenant: Tenant,
  period: Period,
  dossierId: string,
  from: IsoDate,
): Promise<number> {
  const rows = await trx
    .selectFrom("bookings")
    .select(["id", "day", "holds_place"])
    .where("dossier_id", "=", dossierId)
    .where("day", ">=", from)
    .where("status", "in", ["pending", "accepted", "offered"])
    .orderBy("day")
    .forUpdate()
    .execute();
  if (rows.length === 0) return 0;
  const days = rows.filter((r) => r.holds_place).map((r) => r.day);
  await sql`select 1 from occupancy where period_id = ${period.id} and day = any(${days}::date[])
    order by day for update`.execute(trx);
  await trx
    .updateTable("bookings")
    .set({ status: "cancelled", holds_place: false, updated_at: sql`now()` })
    .where(
      "id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  await sql`update occupancy set taken = taken - 1
    where period_id = ${period.id} and day = any(${days}::date[])`.execute(trx);
  if (period.rules.waitingList !== "none" && days.length)
    await sql`insert into place_releases (tenant_id, period_id, day)
      select ${tenant.id}::uuid, ${period.id}::uuid, d from unnest(${days}::date[]) as t(d)`.execute(trx);
  return rows.length;
}
