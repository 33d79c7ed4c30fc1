import { type IsoDate, shortDate } from "../../../lib/dates.ts";
import { ineligibility } from "../booking/rules.ts";
import type { Period } from "../offer/period-service.ts";
import type { GridChild } from "./wizard-grid.ts";

/** A period offered at step 2; `unusable` says why a chosen child may not use its service. */
export interface OfferPeriod {
  id: string;
  name: string;
  service: string;
  dates: string;
  checked: boolean;
  unusable: string | null;
}

export interface OfferGroup {
  category: string | null;
  services: { name: string; periods: OfferPeriod[] }[];
}

export interface OfferFacility {
  name: string;
  groups: OfferGroup[];
}

/**
 * Why the chosen children cannot use the period at all: a child ineligible both on its
 * first remaining day and on its last (age only grows, so an age limit met on neither end
 * is met on no day between).
 */
export function unusable(period: Period, children: GridChild[], today: IsoDate): string | null {
  const first = today > period.startsOn ? today : period.startsOn;
  const reasons = children.flatMap((c) => {
    const why = ineligibility(c, period, first);
    return why && ineligibility(c, period, period.endsOn) ? [`${why} (${c.first_name})`] : [];
  });
  return reasons.length ? reasons.join(" ; ") : null;
}

function findOrAdd<T>(list: T[], match: (x: T) => boolean, make: () => T): T {
  const found = list.find(match);
  if (found) return found;
  const made = make();
  list.push(made);
  return made;
}

/**
 * « Établissement › catégorie › service › période »: the periods not yet over, in the
 * offer's order. Periods the chosen children may not use are kept, disabled with the reason,
 * so that the parent learns why a service they expected is not offered.
 */
export function offerTree(
  periods: Period[],
  children: GridChild[],
  today: IsoDate,
  chosen: string | null,
): OfferFacility[] {
  const facilities: OfferFacility[] = [];
  for (const p of periods.filter((x) => x.endsOn >= today)) {
    const facility = findOrAdd(
      facilities,
      (f) => f.name === p.facility.name,
      () => ({
        name: p.facility.name,
        groups: [],
      }),
    );
    const group = findOrAdd(
      facility.groups,
      (g) => g.category === p.category,
      () => ({
        category: p.category,
        services: [],
      }),
    );
    const service = findOrAdd(
      group.services,
      (s) => s.name === p.service.name,
      () => ({
        name: p.service.name,
        periods: [],
      }),
    );
    const why = unusable(p, children, today);
    service.periods.push({
      id: p.id,
      name: p.name,
      service: p.service.name,
      dates: `du ${shortDate(p.startsOn)} au ${shortDate(p.endsOn)}`,
      checked: !why && p.id === chosen,
      unusable: why,
    });
  }
  return facilities;
}
