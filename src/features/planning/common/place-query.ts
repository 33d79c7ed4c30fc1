import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";

/**
 * The joins the planning pages share. A day's place is its period, the period's service and the
 * service's facility (« Établissement › service › période »); a booking's `service_id` is its
 * period's service, copied when the booking is written.
 */

/** « Établissement › service › période », as the staff's lists and e-mails name a place. */
export const placeLabel = () => sql<string>`f.name || ' › ' || s.name || ' › ' || p.name`;

/** The names of the joined place, for pages that show them one by one. */
export const PLACE_NAMES = [
  "f.name as facility_name",
  "s.name as service_name",
  "p.name as period_name",
] as const;

/** A booked day and what its state is read from (`stateOf`), as every page showing a day reads it. */
export const BOOKED_DAY = ["b.id", "b.day", "b.status", "b.attendance"] as const;

/** What a dossier's pages say of it: its number, who made it and when, and its place. */
export const DOSSIER_HEADER = ["d.number", "d.created_by_name", "d.created_at", ...PLACE_NAMES] as const;

/** « Prénom NOM » of the joined child. */
export const childName = () => sql<string>`c.first_name || ' ' || c.last_name`;

/** The offer's periods with their service and facility. */
export function periodPlaces(trx: Trx) {
  return trx
    .selectFrom("periods as p")
    .innerJoin("services as s", "s.id", "p.service_id")
    .innerJoin("facilities as f", "f.id", "s.facility_id");
}

/** Bookings with their child and their place. */
export function bookingPlaces(trx: Trx) {
  return trx
    .selectFrom("bookings as b")
    .innerJoin("children as c", "c.id", "b.child_id")
    .innerJoin("periods as p", "p.id", "b.period_id")
    .innerJoin("services as s", "s.id", "b.service_id")
    .innerJoin("facilities as f", "f.id", "s.facility_id");
}

/** Absences with their booked day, its child and its place. */
export function absencePlaces(trx: Trx) {
  return bookingPlaces(trx).innerJoin("absences as a", "a.booking_id", "b.id");
}

/** Bookings as staff lists show them: with the child's full name and the household's name and number. */
export function staffBookings(trx: Trx) {
  return bookingPlaces(trx)
    .innerJoin("households as h", "h.id", "b.household_id")
    .select([childName().as("child"), "h.name as household", "h.number as household_number"]);
}

/** A household's days as its own pages list them (« Mon planning », « Historique »), by day then child. */
export function householdBookings(trx: Trx, householdId: string) {
  return bookingPlaces(trx)
    .select([
      ...BOOKED_DAY,
      "b.child_id",
      "b.dossier_id",
      "b.cancel_dossier_id",
      "c.first_name",
      "s.name as service_name",
    ])
    .where("b.household_id", "=", householdId)
    .orderBy("b.day")
    .orderBy("c.birth_date");
}

/** Bookings with their child's name, child by child (oldest first) then day by day. */
export function bookingsPerChild(trx: Trx) {
  return trx
    .selectFrom("bookings as b")
    .innerJoin("children as c", "c.id", "b.child_id")
    .select(["b.id", "b.day", "b.status", "b.child_id", "c.first_name", "c.last_name"])
    .orderBy("c.birth_date")
    .orderBy("b.day");
}

export type HouseholdBooking = Awaited<ReturnType<ReturnType<typeof householdBookings>["execute"]>>[number];
