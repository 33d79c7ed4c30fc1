import type { Trx } from "../../../db/database.ts";
import type { Attendance, BookingStatus } from "../../../db/planning-types.ts";
import { daysBetween, longDate, parisToday, weekday } from "../../../lib/dates.ts";
import { monthBounds, monthNavigation } from "../../../lib/months.ts";
import { schoolHoliday } from "../../../lib/school-holidays.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { LIVE_STATUSES } from "../booking/booking-service.ts";
import { bookingCheck, cancelCheck, closedOn, ineligibility } from "../booking/rules.ts";
import type { HouseholdChild } from "../common/children-service.ts";
import { BOOKED_DAY } from "../common/place-query.ts";
import { type Period, periodsBetween } from "../offer/period-service.ts";

/** The agenda's codes (Plombières legend): a short code shown, its label read. */
const STATES = {
  accepted: { code: "✓", label: "Réservé" },
  present: { code: "PR", label: "Présent" },
  absent_billed: { code: "AF", label: "Absent facturé" },
  absent_excused: { code: "AE", label: "Absent excusé" },
  pending: { code: "T", label: "Réservation en cours de traitement" },
  refused: { code: "X", label: "Réservation refusée" },
  absence_pending: { code: "U", label: "Absence en cours de traitement" },
  waiting: { code: "LA", label: "Liste d'attente" },
  offered: { code: "PP", label: "Place proposée" },
  cancel_requested: { code: "DA", label: "Demande d'annulation" },
  closure: { code: "Fe", label: "Fermeture" },
  holiday: { code: "F", label: "Jour férié" },
  short_holidays: { code: "P", label: "Petites vacances" },
  summer: { code: "G", label: "Grandes vacances" },
} as const;
type StateKey = keyof typeof STATES;

export const AGENDA_LEGEND = Object.entries(STATES).map(([key, s]) => ({ key, ...s }));

/** What a cell's links do, with their short visible sign. */
export const AGENDA_ACTIONS = [
  { sign: "+", label: "Demande de réservation" },
  { sign: "A", label: "Déclarer une absence" },
  { sign: "×", label: "Annuler" },
  { sign: "J", label: "Déposer le justificatif d'absence" },
] as const;
const SIGN = Object.fromEntries(AGENDA_ACTIONS.map((a) => [a.label, a.sign]));

export interface AgendaAction {
  href: string;
  sign: string;
  label: string;
  /** The accessible name: the action, the child, the service and the day. */
  name: string;
}
export interface AgendaCell {
  day: string;
  state: (typeof AGENDA_LEGEND)[number] | null;
  actions: AgendaAction[];
}

const DAY_ABBR = ["Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di"];
/** « Me 01 » */
export const dayHeader = (day: string) => `${DAY_ABBR[weekday(day) - 1]} ${day.slice(8)}`;

type Booking = Awaited<ReturnType<typeof bookingsOf>>[number];
interface Scope {
  tenant: Tenant;
  now: Date;
  child: HouseholdChild;
  header: string;
}

async function bookingsOf(trx: Trx, childId: string, from: string, to: string) {
  return trx
    .selectFrom("bookings as b")
    .leftJoin("absences as a", (j) =>
      j.onRef("a.booking_id", "=", "b.id").on("a.status", "in", ["pending", "accepted"]),
    )
    .select([...BOOKED_DAY, "b.service_id"])
    .select(["a.id as absence_id", "a.status as absence_status", "a.medical", "a.document_id"])
    .where("b.child_id", "=", childId)
    .where("b.day", ">=", from)
    .where("b.day", "<=", to)
    .where("b.status", "in", [...LIVE_STATUSES, "refused"])
    .orderBy("b.created_at")
    .execute();
}

function bookingState(b: Booking): StateKey {
  if (b.absence_status === "pending") return "absence_pending";
  const attended = b.status === "accepted" || b.status === "cancel_requested";
  if (b.attendance && attended) return b.attendance as Attendance;
  // A day waiting in « Mon panier » (paid at booking) reads as being processed.
  if (b.status === "unpaid") return "pending";
  return b.status as Exclude<BookingStatus, "cancelled" | "expired" | "unpaid">;
}

function closedState(period: Period, day: string, zone: Tenant["config"]["holidayZone"]): StateKey | null {
  const closed = closedOn(period, day, zone);
  if (closed?.code === "holiday") return "holiday";
  if (closed?.code === "closure") return "closure";
  if (closed?.code !== "school_holiday") return null;
  return /été/i.test(schoolHoliday(day, zone) ?? "") ? "summer" : "short_holidays";
}

function action(s: Scope, day: string, label: string, href: string): AgendaAction {
  const name = `${label} – ${s.child.first_name} ${s.child.last_name}, ${s.header}, ${longDate(day)}`;
  return { href, sign: SIGN[label] ?? "", label, name };
}

function bookable(s: Scope, period: Period, day: string): boolean {
  const zone = s.tenant.config.holidayZone;
  return bookingCheck(period, day, s.now, zone).ok && ineligibility(s.child, period, day) === null;
}

/** The links of a booked day: absence, cancellation, certificate. */
function bookingActions(s: Scope, period: Period, b: Booking): AgendaAction[] {
  const actions: AgendaAction[] = [];
  const free = !b.absence_id;
  if (free && b.status === "accepted" && !b.attendance && b.day >= parisToday(s.now))
    actions.push(action(s, b.day, "Déclarer une absence", `/planning/absence?reservation=${b.id}`));
  const cancellable = ["pending", "accepted", "waiting", "offered"].includes(b.status);
  const allowed = b.status !== "accepted" || cancelCheck(period, b.day, s.now).kind !== "refused";
  if (free && cancellable && allowed)
    actions.push(action(s, b.day, "Annuler", `/planning/annuler?reservation=${b.id}`));
  if (b.absence_id && b.medical && !b.document_id)
    actions.push(action(s, b.day, "Déposer le justificatif d'absence", `/planning/absences/${b.absence_id}`));
  return actions;
}

function cellOf(s: Scope, period: Period | undefined, booking: Booking | undefined, day: string): AgendaCell {
  if (!period) return { day, state: null, actions: [] };
  const live = booking && booking.status !== "refused" ? booking : undefined;
  const key = booking ? bookingState(booking) : closedState(period, day, s.tenant.config.holidayZone);
  const state = key ? { key, ...STATES[key] } : null;
  const actions = live ? bookingActions(s, period, live) : [];
  if (!live && bookable(s, period, day)) {
    const q = `periode=${period.id}&enfant=${s.child.id}&jour=${day}`;
    actions.push(action(s, day, "Demande de réservation", `/agenda/reserver?${q}`));
  }
  return { day, state, actions };
}

/**
 * One child's month: a row per service they may use that has a period in the month
 * (« Structure Service »), a cell per day with its state and what the parent may do there.
 */
export async function agendaMonth(trx: Trx, tenant: Tenant, now: Date, child: HouseholdChild, month: string) {
  const { first: from, last: to } = monthBounds(month);
  const days = daysBetween(from, to);
  const periods = await periodsBetween(trx, from, to);
  const bookings = await bookingsOf(trx, child.id, from, to);
  const services = new Map<string, Period[]>();
  for (const p of periods) {
    const first = p.startsOn > from ? p.startsOn : from;
    if (ineligibility(child, p, first) !== null) continue;
    services.set(p.service.id, [...(services.get(p.service.id) ?? []), p]);
  }
  const rows = [...services.values()].map((list) => {
    const first = list[0] as Period;
    const header = `${first.facility.name} ${first.service.name}`;
    const scope = { tenant, now, child, header };
    const cells = days.map((day) => {
      const period = list.find((p) => day >= p.startsOn && day <= p.endsOn);
      const mine = bookings.filter((b) => b.service_id === first.service.id && b.day === day);
      const booking = mine.find((b) => b.status !== "refused") ?? mine.at(-1);
      return cellOf(scope, period, booking, day);
    });
    return { header, cells };
  });
  return {
    ...monthNavigation(month),
    days: days.map((day) => ({
      day,
      header: dayHeader(day),
      long: longDate(day),
      weekend: weekday(day) > 5,
    })),
    rows,
  };
}
