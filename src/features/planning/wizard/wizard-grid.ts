import type { BookingStatus } from "../../../db/planning-types.ts";
import {
  addMonths,
  type IsoDate,
  isIsoDate,
  longDate,
  monthLabel,
  monthWeeks,
  parisToday,
} from "../../../lib/dates.ts";
import { bookingCheck, ineligibility, type Zone } from "../booking/rules.ts";
import type { Problem } from "../common/errors.ts";
import type { Period } from "../offer/period-service.ts";

/** One day of the wizard's planning: whether it can be ticked, and if not, why (as text). */
export interface Cell {
  day: IsoDate;
  num: number;
  label: string;
  kind: "open" | "waiting" | "booked" | "full" | "ineligible" | "closed" | "holiday" | "late" | "outside";
  selectable: boolean;
  selected: boolean;
  note: string | null;
}

export interface Month {
  label: string;
  weeks: (Cell | null)[][];
}

export interface GridChild {
  id: string;
  first_name: string;
  last_name: string;
  birth_date: string;
  class_level: string | null;
}

export interface GridInput {
  period: Period;
  children: GridChild[];
  now: Date;
  zone: Zone;
  /** Places taken per day (occupancy). */
  taken: Map<IsoDate, number>;
  /** First names of the chosen children already booked, per day. */
  booked: Map<IsoDate, string[]>;
}

const CLOSED_KIND: Record<string, Cell["kind"]> = {
  outside: "outside",
  holiday: "holiday",
  not_open: "late",
  window_closed: "late",
  too_late: "late",
};

function isFull(input: GridInput, day: IsoDate): boolean {
  const capacity = input.period.rules.capacity;
  return capacity !== null && (input.taken.get(day) ?? 0) >= capacity;
}

/** The day as the parent sees it, in the order of the reasons that matter most. */
export function cellOf(input: GridInput, day: IsoDate): Omit<Cell, "selected"> {
  const base = { day, num: Number(day.slice(8)), label: longDate(day) };
  const check = bookingCheck(input.period, day, input.now, input.zone);
  if (!check.ok) {
    const kind = CLOSED_KIND[check.code] ?? "closed";
    return { ...base, kind, selectable: false, note: kind === "outside" ? null : check.label };
  }
  const booked = input.booked.get(day);
  if (booked?.length)
    return { ...base, kind: "booked", selectable: false, note: `Déjà réservé (${booked.join(", ")})` };
  const why = input.children
    .map((c) => {
      const reason = ineligibility(c, input.period, day);
      return reason && `${reason} (${c.first_name})`;
    })
    .filter(Boolean);
  if (why.length) return { ...base, kind: "ineligible", selectable: false, note: why.join(" ; ") };
  if (isFull(input, day))
    return input.period.rules.waitingList === "none"
      ? { ...base, kind: "full", selectable: false, note: "Complet" }
      : { ...base, kind: "waiting", selectable: true, note: "Complet – liste d'attente" };
  return { ...base, kind: "open", selectable: true, note: null };
}

/** The months still to come of the period (all of it once it is over), Monday-first weeks. */
export function gridOf(input: GridInput, selected: Set<IsoDate>): Month[] {
  const { startsOn, endsOn } = input.period;
  const today = parisToday(input.now);
  const from = today > startsOn && today <= endsOn ? today : startsOn;
  const months: Month[] = [];
  for (let m = from.slice(0, 7); m <= endsOn.slice(0, 7); m = addMonths(m, 1)) {
    months.push({
      label: monthLabel(m),
      weeks: monthWeeks(m).map((week) =>
        week.map((day) => (day ? { ...cellOf(input, day), selected: selected.has(day) } : null)),
      ),
    });
  }
  return months;
}

/** Why each asked day cannot be booked as the planning shows it (nothing when all can). */
export function selectionProblems(input: GridInput, days: string[]): Problem[] {
  if (!days.length) return [{ message: "Choisissez au moins un jour." }];
  if (!days.every(isIsoDate)) return [{ message: "Une des dates choisies n'est pas valide." }];
  return days.flatMap((day) => {
    const cell = cellOf(input, day);
    if (cell.selectable) return [];
    return [{ day, message: `${longDate(day)} : ${cell.note ?? "Hors période"}.` }];
  });
}

const WILL_BE: Partial<Record<BookingStatus, string>> = {
  accepted: "Acceptée dès la validation",
  pending: "En attente de traitement",
  waiting: "Liste d'attente",
};

/**
 * The status each day will get, as book() will give it: a place while there is one
 * (accepted, or pending in towns that review), then the waiting list.
 */
export function predictedStatuses(input: GridInput, days: IsoDate[]) {
  const rules = input.period.rules;
  const onPlace: BookingStatus = rules.acceptance === "auto" ? "accepted" : "pending";
  const left = new Map(
    days.map((d) => [
      d,
      rules.capacity === null ? Number.POSITIVE_INFINITY : rules.capacity - (input.taken.get(d) ?? 0),
    ]),
  );
  const status = new Map<string, BookingStatus>();
  for (const day of days)
    for (const child of input.children) {
      const free = left.get(day) ?? 0;
      left.set(day, free - 1);
      status.set(`${child.id}|${day}`, free > 0 ? onPlace : "waiting");
    }
  return input.children.map((c) => ({
    childId: c.id,
    child: `${c.first_name} ${c.last_name}`,
    days: days.map((day) => {
      const s = status.get(`${c.id}|${day}`) as BookingStatus;
      return { day, label: longDate(day), status: s, statusLabel: WILL_BE[s] ?? s };
    }),
  }));
}
