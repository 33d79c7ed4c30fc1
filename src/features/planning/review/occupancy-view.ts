import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { daysBetween, longDate } from "../../../lib/dates.ts";
import { monthBounds } from "../../../lib/months.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { promoteWaiting } from "../booking/places/places.ts";
import { closedOn } from "../booking/rules.ts";
import { STATUS_LABELS } from "../common/labels.ts";
import { staffBookings } from "../common/place-query.ts";
import { allPeriods, findPeriod, type Period } from "../offer/period-service.ts";

export interface DayLoad {
  day: string;
  label: string;
  periodId: string;
  periodName: string;
  taken: number;
  capacity: number | null;
  waiting: number;
  full: boolean;
}

/** The services of the offer, in its order, named « Établissement › service ». */
export async function services(trx: Trx) {
  const seen = new Map<string, { id: string; label: string }>();
  for (const p of await allPeriods(trx))
    if (!seen.has(p.service.id))
      seen.set(p.service.id, { id: p.service.id, label: `${p.facility.name} › ${p.service.name}` });
  return [...seen.values()];
}

/** Places held / capacity / waiting list, for every day of the month the service is open. */
export async function monthOccupancy(trx: Trx, tenant: Tenant, serviceId: string, month: string) {
  const periods = (await allPeriods(trx)).filter((p) => p.service.id === serviceId);
  const first = periods[0];
  if (!first) throw notFound();
  const zone = tenant.config.holidayZone;
  const open: { day: string; period: Period }[] = [];
  const { first: from, last: to } = monthBounds(month);
  for (const day of daysBetween(from, to)) {
    const period = periods.find((p) => closedOn(p, day, zone) === null);
    if (period) open.push({ day, period });
  }
  const counts = await countsOf(
    trx,
    periods.map((p) => p.id),
    from,
    to,
  );
  const days: DayLoad[] = open.map(({ day, period }) => {
    const c = counts.get(`${period.id}/${day}`) ?? { taken: 0, waiting: 0 };
    const capacity = period.rules.capacity;
    return {
      day,
      label: longDate(day),
      periodId: period.id,
      periodName: period.name,
      taken: c.taken,
      capacity,
      waiting: c.waiting,
      full: capacity !== null && c.taken >= capacity,
    };
  });
  return { service: `${first.facility.name} › ${first.service.name}`, days };
}

/** Places taken (occupancy) and waiting-list length per period and day. */
async function countsOf(trx: Trx, periodIds: string[], from: string, to: string) {
  const counts = new Map<string, { taken: number; waiting: number }>();
  const at = (periodId: string, day: string) => {
    const k = `${periodId}/${day}`;
    const c = counts.get(k) ?? { taken: 0, waiting: 0 };
    counts.set(k, c);
    return c;
  };
  const taken = await trx
    .selectFrom("occupancy")
    .select(["period_id", "day", "taken"])
    .where("period_id", "in", periodIds)
    .where("day", ">=", from)
    .where("day", "<=", to)
    .execute();
  for (const t of taken) at(t.period_id, t.day).taken = t.taken;
  const waiting = await trx
    .selectFrom("bookings")
    .select(["period_id", "day", (eb) => eb.fn.countAll<string>().as("n")])
    .where("period_id", "in", periodIds)
    .where("day", ">=", from)
    .where("day", "<=", to)
    .where("status", "=", "waiting")
    .groupBy(["period_id", "day"])
    .execute();
  for (const w of waiting) at(w.period_id, w.day).waiting = Number(w.n);
  return counts;
}

function dayRows(trx: Trx, periodId: string, day: string) {
  return staffBookings(trx)
    .select(["b.id", "b.status", "b.holds_place"])
    .where("b.period_id", "=", periodId)
    .where("b.day", "=", day)
    .where("b.status", "in", ["pending", "accepted", "offered", "cancel_requested", "waiting"])
    .orderBy("b.created_at")
    .orderBy("b.id")
    .execute();
}

/** One day of one period: who holds a place, and the waiting list in the order it is served. */
export async function dayDetail(trx: Trx, tenant: Tenant, periodId: string, day: string) {
  const period = await findPeriod(trx, periodId);
  if (!period) throw notFound();
  const rows = await dayRows(trx, periodId, day);
  const occupancy = await trx
    .selectFrom("occupancy")
    .select("taken")
    .where("period_id", "=", periodId)
    .where("day", "=", day)
    .executeTakeFirst();
  const taken = occupancy?.taken ?? 0;
  const capacity = period.rules.capacity;
  const label = (r: (typeof rows)[number]) => ({ ...r, state: STATUS_LABELS[r.status] });
  return {
    period,
    closed: closedOn(period, day, tenant.config.holidayZone),
    taken,
    capacity,
    free: capacity === null || taken < capacity,
    booked: rows.filter((r) => r.holds_place).map(label),
    waiting: rows.filter((r) => r.status === "waiting").map(label),
  };
}

/** « Attribuer / Proposer la place »: the first on the waiting list gets each free place. */
export async function serveWaiting(trx: Trx, tenant: Tenant, periodId: string, day: string) {
  const period = await findPeriod(trx, periodId);
  if (!period) throw notFound();
  return promoteWaiting(trx, tenant, period, day);
}
