import type { Trx } from "../../../db/database.ts";
import type { BookingStatus } from "../../../db/planning-types.ts";
import { type IsoDate, longDate, monthWeeks, publicHoliday } from "../../../lib/dates.ts";
import { monthBounds, monthNavigation } from "../../../lib/months.ts";
import { schoolHoliday } from "../../../lib/school-holidays.ts";
import type { Zone } from "../booking/rules.ts";
import { stateOf } from "../common/labels.ts";
import {
  BOOKED_DAY,
  bookingPlaces,
  DOSSIER_HEADER,
  type HouseholdBooking,
  householdBookings,
} from "../common/place-query.ts";

/** Hidden unless « Afficher les annulations et refus » is ticked. */
const ENDED: BookingStatus[] = ["cancelled", "refused", "expired"];

/** Every booking of the household in the month, in one query (RLS keeps it to the household). */
export function monthBookings(trx: Trx, householdId: string, month: string): Promise<HouseholdBooking[]> {
  const { first, last } = monthBounds(month);
  return householdBookings(trx, householdId)
    .where("b.day", ">=", first)
    .where("b.day", "<=", last)
    .orderBy("s.position")
    .execute();
}

export interface MonthOptions {
  month: string;
  today: IsoDate;
  zone: Zone;
  /** Children whose bookings are shown. */
  childIds: string[];
  showEnded: boolean;
}

function cellOf(day: IsoDate, bookings: HouseholdBooking[], o: MonthOptions) {
  const items = bookings
    .filter((b) => b.day === day)
    .map((b) => {
      const state = stateOf(b);
      return {
        id: b.id,
        href: `/planning/reservations/${b.id}`,
        child: b.first_name,
        service: b.service_name,
        state,
        name: `${b.first_name}, ${b.service_name}, ${longDate(day)} : ${state.label}`,
      };
    });
  return {
    day,
    number: Number(day.slice(8)),
    long: longDate(day),
    today: day === o.today,
    holiday: publicHoliday(day) !== null,
    schoolHoliday: schoolHoliday(day, o.zone),
    items,
  };
}

export type DayCell = ReturnType<typeof cellOf>;

/** « Mon planning »: the month's weeks (Monday first), each day with what it shows. */
export function monthView(bookings: HouseholdBooking[], o: MonthOptions) {
  const shown = bookings.filter(
    (b) => o.childIds.includes(b.child_id) && (o.showEnded || !ENDED.includes(b.status)),
  );
  const weeks = monthWeeks(o.month).map((week) => week.map((day) => (day ? cellOf(day, shown, o) : null)));
  return {
    ...monthNavigation(o.month),
    weeks,
    count: shown.length,
  };
}

/** One booking with what its detail page shows, or undefined (not the household's). */
export function bookingDetail(trx: Trx, householdId: string, id: string) {
  return bookingPlaces(trx)
    .innerJoin("booking_dossiers as d", "d.id", "b.dossier_id")
    .select([...BOOKED_DAY, "b.reason", "b.late_cancel", "b.period_id", "b.offer_expires_at"])
    .select(["c.first_name", "c.last_name", "d.id as dossier_id", ...DOSSIER_HEADER])
    .where("b.household_id", "=", householdId)
    .where("b.id", "=", id)
    .executeTakeFirst();
}

/** The month "YYYY-MM" of a day, for links back to the right page of « Mon planning ». */
export const monthOf = (day: IsoDate) => day.slice(0, 7);
