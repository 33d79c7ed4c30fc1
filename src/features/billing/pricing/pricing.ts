import type { Tariff } from "../../../tenancy/billing-schema.ts";

/** What decides a household's price: its validated QF (null without proof) and residence. */
export interface Household {
  qf: number | null;
  resident: boolean;
}

/** The tariff of a service in force on a day: the latest one started on or before it. */
export function tariffOn(tariffs: Tariff[], service: string, day: string): Tariff | null {
  let best: Tariff | null = null;
  for (const t of tariffs)
    if (t.service === service && t.from <= day && (!best || t.from > best.from)) best = t;
  return best;
}

/** The bracket a household falls in: by QF, or the town's bracket for files without proof. */
export function bracketOf(t: Tariff, qf: number | null): number {
  const last = t.brackets.length - 1;
  if (qf === null) return t.withoutProofBracket ?? last;
  const i = t.brackets.findIndex((b) => b.upTo === undefined || qf <= b.upTo);
  return i === -1 ? last : i;
}

/** The price of one unit for this household, in cents. */
export function unitPrice(t: Tariff, h: Household): number {
  if (!h.resident && t.nonResidentCents !== undefined) return t.nonResidentCents;
  return (t.brackets[bracketOf(t, h.qf)] as { cents: number }).cents;
}

export interface DayUnit {
  /** The caller's reference (a booking id), carried to the unit's lines. */
  ref?: string;
  /**
   * The service's billing unit: a day, half-day or meal is one unit per booking; "hour"
   * bills the tariff's hours per session; "flat" bills once per child and `period`.
   */
  unit?: "day" | "half_day" | "meal" | "hour" | "flat";
  period?: string;
  childId: string;
  service: string;
  day: string;
  label: string;
  lateBooking?: boolean;
  lateCancellation?: boolean;
}

export interface PricedLine {
  ref?: string;
  childId: string;
  day: string;
  label: string;
  quantity: number;
  unitCents: number;
  amountCents: number;
}

const reduced = (cents: number, percent: number) => Math.round((cents * (100 - percent)) / 100);

/**
 * The lines of a set of days: one per child and day at the household's unit price (the
 * session's hours for an hourly service, once per child and period for a flat rate), the
 * sibling reduction from the second child of the same service and day, and late surcharges
 * as lines of their own. A day without a tariff is not priced (the town has not set one).
 */
export function priceDays(tariffs: Tariff[], units: DayUnit[], h: Household): PricedLine[] {
  const lines: PricedLine[] = [];
  const seen = new Map<string, number>();
  const flats = new Set<string>();
  for (const u of units) {
    const t = tariffOn(tariffs, u.service, u.day);
    if (!t) continue;
    const flat = u.unit === "flat";
    if (flat && flats.has(`${u.childId}|${u.period}`)) continue;
    if (flat) flats.add(`${u.childId}|${u.period}`);
    // Siblings share a day (or, for a flat rate, a period).
    const key = flat ? `${u.service}|flat|${u.period}` : `${u.service}|${u.day}`;
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    const unit = rank > 0 ? reduced(unitPrice(t, h), t.siblingReductionPercent) : unitPrice(t, h);
    const quantity = u.unit === "hour" ? t.hoursPerBooking : 1;
    lines.push({
      ref: u.ref,
      childId: u.childId,
      day: u.day,
      label: u.label,
      quantity,
      unitCents: unit,
      amountCents: quantity * unit,
    });
    if (u.lateBooking && t.lateBookingSurchargeCents > 0)
      lines.push(surcharge(u, "Majoration réservation tardive", t.lateBookingSurchargeCents));
    if (u.lateCancellation && t.lateCancellationSurchargeCents > 0)
      lines.push(surcharge(u, "Majoration annulation tardive", t.lateCancellationSurchargeCents));
  }
  return lines;
}

function surcharge(u: DayUnit, label: string, cents: number): PricedLine {
  return {
    ref: u.ref,
    childId: u.childId,
    day: u.day,
    label,
    quantity: 1,
    unitCents: cents,
    amountCents: cents,
  };
}

export const total = (lines: { amountCents: number }[]) => lines.reduce((sum, l) => sum + l.amountCents, 0);

const EUROS = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
/** « 7,70 € » */
export const euros = (cents: number) => EUROS.format(cents / 100);
