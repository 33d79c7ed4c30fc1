import { TZDate } from "@date-fns/tz";
import Holidays from "date-holidays";

/**
 * Calendar rules of docs/domain.md, evaluated in Europe/Paris whatever the server's zone.
 * A day is an ISO date string "YYYY-MM-DD"; day arithmetic runs in UTC, where no
 * daylight-saving change can shift it; only a cut-off becomes an instant.
 */
export type IsoDate = string;

export const PARIS = "Europe/Paris";
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== "string") return false;
  const m = ISO.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

const utc = (day: IsoDate) => new Date(`${day}T00:00:00Z`);
const iso = (d: Date): IsoDate => d.toISOString().slice(0, 10);

export function addDays(day: IsoDate, n: number): IsoDate {
  const d = utc(day);
  d.setUTCDate(d.getUTCDate() + n);
  return iso(d);
}

/** 1 = Monday … 7 = Sunday. */
export function weekday(day: IsoDate): number {
  return utc(day).getUTCDay() || 7;
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const PARIS_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: PARIS, dateStyle: "short" });

/** The calendar day it is in Paris at this instant. */
export function parisToday(now: Date): IsoDate {
  return PARIS_DAY.format(now);
}

/** The instant of a wall-clock time ("HH:MM") on a day in Paris. */
export function parisInstant(day: IsoDate, time: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const [hh, mm] = time.split(":").map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, hh, mm, PARIS).getTime());
}

// Metropolitan France; a town of Alsace-Moselle would name its département (57, 67, 68).
const calendars = new Map<string, Map<IsoDate, string>>();

function holidaysOf(year: number, region: string | undefined): Map<IsoDate, string> {
  const key = `${region ?? "FR"}:${year}`;
  let found = calendars.get(key);
  if (!found) {
    const hd = region ? new Holidays("FR", region) : new Holidays("FR");
    found = new Map(
      hd
        .getHolidays(year)
        .filter((h) => h.type === "public")
        .map((h) => [h.date.slice(0, 10), h.name] as const),
    );
    calendars.set(key, found);
  }
  return found;
}

/** The name of the public holiday (« jour férié ») on that day, or null. */
export function publicHoliday(day: IsoDate, region?: string): string | null {
  return holidaysOf(Number(day.slice(0, 4)), region).get(day) ?? null;
}

/** « Jour ouvré »: Monday to Friday, not a public holiday. */
export function isWorkingDay(day: IsoDate, region?: string): boolean {
  return weekday(day) <= 5 && !publicHoliday(day, region);
}

/** The working day `n` working days before `day` (n = 0: the day itself). */
export function workingDaysBefore(day: IsoDate, n: number, region?: string): IsoDate {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, -1);
    if (isWorkingDay(d, region)) left--;
  }
  return d;
}

/**
 * « Au minimum N jours ouvrés avant, heure limite HH:MM »: the last instant to act for `day`.
 * To book Thursday with 2 working days at 09:00, book before Tuesday 09:00 (Paris time).
 */
export function deadline(day: IsoDate, noticeDays: number, cutoff: string, region?: string): Date {
  const key = `${day}|${noticeDays}|${cutoff}|${region ?? ""}`;
  let at = deadlines.get(key);
  if (at === undefined) {
    // A month's agenda asks for the same few deadlines once per child and service.
    if (deadlines.size >= DEADLINES_KEPT) deadlines.clear();
    at = parisInstant(workingDaysBefore(day, noticeDays, region), cutoff).getTime();
    deadlines.set(key, at);
  }
  return new Date(at);
}

// Deadlines depend only on their arguments (the holidays of a year are fixed): kept per process.
const DEADLINES_KEPT = 20_000;
const deadlines = new Map<string, number>();

const LONG = new Intl.DateTimeFormat("fr-FR", {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});
const SHORT = new Intl.DateTimeFormat("fr-FR", { timeZone: "UTC" });
const MONTH = new Intl.DateTimeFormat("fr-FR", { month: "long", year: "numeric", timeZone: "UTC" });
const INSTANT = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: PARIS });

/** « jeudi 12 novembre 2026 » */
export const longDate = (day: IsoDate) => LONG.format(utc(day));
/** « 12/11/2026 » */
export const shortDate = (day: IsoDate) => SHORT.format(utc(day));
/** « novembre 2026 » for "2026-11" */
export const monthLabel = (month: string) => MONTH.format(utc(`${month}-01`));
/** « 12/11/2026 09:00 » in Paris time. */
export const parisDateTime = (d: Date) => INSTANT.format(d);

/** A month "YYYY-MM" (or null when malformed). */
export function parseMonth(value: unknown): string | null {
  return typeof value === "string" && /^\d{4}-(0[1-9]|1[0-2])$/.test(value) ? value : null;
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return iso(d).slice(0, 7);
}

/** The weeks (Monday first) covering a month; days outside it are null. */
export function monthWeeks(month: string): (IsoDate | null)[][] {
  const first = `${month}-01`;
  const last = addDays(`${addMonths(month, 1)}-01`, -1);
  const cells: (IsoDate | null)[] = Array.from({ length: weekday(first) - 1 }, () => null);
  for (const d of daysBetween(first, last)) cells.push(d);
  while (cells.length % 7) cells.push(null);
  const weeks: (IsoDate | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** Age in whole years on a day. */
export function ageOn(birth: IsoDate, day: IsoDate): number {
  const years = Number(day.slice(0, 4)) - Number(birth.slice(0, 4));
  return day.slice(5) < birth.slice(5) ? years - 1 : years;
}
