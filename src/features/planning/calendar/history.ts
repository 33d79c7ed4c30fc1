import type { Trx } from "../../../db/database.ts";
import { longDate, parisDateTime, shortDate } from "../../../lib/dates.ts";
import { LEGEND, stateOf } from "../common/labels.ts";
import {
  DOSSIER_HEADER,
  type HouseholdBooking,
  householdBookings,
  periodPlaces,
} from "../common/place-query.ts";

/** The states a dossier's bookings can be in, for the « Historique » filter. */
export const HISTORY_STATES = LEGEND.filter((l) => !["closed", "holiday", "school_holiday"].includes(l.key));

const KIND_LABELS = { booking: "Réservation", cancellation: "Annulation" } as const;

/** « 25/04/2021 à 11:18 » in Paris time. */
export const createdLabel = (d: Date) => parisDateTime(d).replace(" ", " à ");

/** « 09/12/2026 – 30/06/2027 » or the list of days when there are few. */
export function datesLabel(days: string[]): string {
  const unique = [...new Set(days)].sort();
  if (unique.length <= 3) return unique.map(shortDate).join(", ");
  return `${shortDate(unique[0] as string)} – ${shortDate(unique[unique.length - 1] as string)} (${unique.length} jours)`;
}

/** « Acceptée (3), Annulée (1) »: how many of the dossier's days are in each state. */
function summary(bookings: HouseholdBooking[]) {
  const counts = new Map<string, { key: string; label: string; n: number }>();
  for (const b of bookings) {
    const s = stateOf(b);
    const c = counts.get(s.key) ?? { ...s, n: 0 };
    c.n++;
    counts.set(s.key, c);
  }
  const order = (key: string) => LEGEND.findIndex((l) => l.key === key);
  return [...counts.values()].sort((a, b) => order(a.key) - order(b.key));
}

function dossierQuery(trx: Trx, householdId: string) {
  return periodPlaces(trx)
    .innerJoin("booking_dossiers as d", "d.period_id", "p.id")
    .select(["d.id", "d.kind", ...DOSSIER_HEADER])
    .where("d.household_id", "=", householdId);
}

/** The bookings of these dossiers: those they created, or those they cancelled. */
function bookingsOf(trx: Trx, householdId: string, ids: string[]): Promise<HouseholdBooking[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return householdBookings(trx, householdId)
    .where((eb) => eb.or([eb("b.dossier_id", "in", ids), eb("b.cancel_dossier_id", "in", ids)]))
    .execute();
}

type DossierRow = Awaited<ReturnType<ReturnType<typeof dossierQuery>["execute"]>>[number];

function toLine(d: DossierRow, all: HouseholdBooking[]) {
  const own = all.filter((b) => (d.kind === "booking" ? b.dossier_id : b.cancel_dossier_id) === d.id);
  return {
    id: d.id,
    number: d.number,
    kind: KIND_LABELS[d.kind],
    created: createdLabel(d.created_at),
    referent: d.created_by_name,
    place: [d.facility_name, d.service_name, d.period_name],
    dates: datesLabel(own.map((b) => b.day)),
    states: summary(own),
    bookings: own.map((b) => ({
      id: b.id,
      child: b.first_name,
      day: longDate(b.day),
      state: stateOf(b),
    })),
  };
}

export type HistoryLine = ReturnType<typeof toLine>;

/** « Historique des réservations », newest first; `state` keeps dossiers with a day in that state. */
export async function history(trx: Trx, householdId: string, state: string | null): Promise<HistoryLine[]> {
  const dossiers = await dossierQuery(trx, householdId)
    .orderBy("d.created_at", "desc")
    .orderBy("d.number", "desc")
    .execute();
  const bookings = await bookingsOf(
    trx,
    householdId,
    dossiers.map((d) => d.id),
  );
  const lines = dossiers.map((d) => toLine(d, bookings));
  return state ? lines.filter((l) => l.states.some((s) => s.key === state)) : lines;
}

/** One dossier and each of its days, or undefined (not the household's). */
export async function dossier(trx: Trx, householdId: string, id: string): Promise<HistoryLine | undefined> {
  const d = await dossierQuery(trx, householdId).where("d.id", "=", id).executeTakeFirst();
  if (!d) return undefined;
  return toLine(d, await bookingsOf(trx, householdId, [d.id]));
}
