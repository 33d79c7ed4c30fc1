import type { Trx } from "../../../db/database.ts";
import type { BookingStatus } from "../../../db/planning-types.ts";
import { type IsoDate, longDate } from "../../../lib/dates.ts";
import { dossierOfKey } from "../booking/booking-service.ts";
import { perChild } from "../common/children-service.ts";
import { STATUS_LABELS } from "../common/labels.ts";
import { bookingsPerChild } from "../common/place-query.ts";
import { recopy } from "../common/recopy.ts";

/** What « Plus de jours » offers to cancel: days still to come that the household may give back. */
const OFFERED_TO_CANCEL: BookingStatus[] = ["pending", "accepted", "waiting", "offered"];

export interface ChildDays {
  childId: string;
  name: string;
  days: { id: string; day: string; label: string; state: string }[];
}

/** The household's bookings of a period from `today` on, per child. */
export async function periodBookings(
  trx: Trx,
  householdId: string,
  periodId: string,
  today: IsoDate,
): Promise<ChildDays[]> {
  const rows = await bookingsPerChild(trx)
    .where("b.household_id", "=", householdId)
    .where("b.period_id", "=", periodId)
    .where("b.day", ">=", today)
    .where("b.status", "in", OFFERED_TO_CANCEL)
    .execute();
  return perChild(rows, (r) => ({
    id: r.id,
    day: r.day,
    label: longDate(r.day),
    state: STATUS_LABELS[r.status],
  }));
}

/** « Mode recopie »: the bookings on the chosen weekdays from `from` to `to`. */
export function recopySelection(
  children: ChildDays[],
  from: IsoDate,
  to: IsoDate,
  weekdays: number[],
): string[] {
  const booked = new Set(children.flatMap((c) => c.days.map((d) => d.day)));
  const days = new Set(recopy(from, to, weekdays, (d) => booked.has(d)));
  return children.flatMap((c) => c.days.filter((d) => days.has(d.day)).map((d) => d.id));
}

/** Whether this form's cancellation was already done (a second click of the same page). */
export async function cancelDone(trx: Trx, householdId: string, key: string): Promise<boolean> {
  return (await dossierOfKey(trx, householdId, key))?.kind === "cancellation";
}
