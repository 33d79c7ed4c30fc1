import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { addDays, type IsoDate } from "./dates.ts";

/**
 * School holidays by zone, as data: the Ministry's published calendar (open data
 * « fr-en-calendrier-scolaire », data.education.gouv.fr, CSV or ICS), imported by operators
 * into the school_holidays table (docs/decisions/0010-i11-school-calendar.md). This module
 * keeps the calendar in memory for the planning's synchronous rules: the shipped snapshot
 * at start, then the table's rows. `end` is the morning classes resume: holidays cover the
 * days after `start` (the last day of classes) up to the day before `end`.
 */
export interface Holiday {
  label: string;
  /** "A", "B", "C", or another zone by its Ministry name (« Corse », « Guadeloupe »…). */
  zone: string;
  start: IsoDate;
  end: IsoDate;
  schoolYear: string;
}

export const SNAPSHOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../data/school-calendar/fr-en-calendrier-scolaire.csv",
);

const PARIS_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });
const parisDay = (instant: string) => PARIS_DAY.format(new Date(instant)) as IsoDate;
const zoneOf = (name: string) => name.replace(/^Zone /, "").trim();

function dedupe(rows: Holiday[]): Holiday[] {
  const seen = new Map(rows.map((h) => [`${h.zone}|${h.label}|${h.start}|${h.end}`, h]));
  return [...seen.values()].sort((a, b) => a.zone.localeCompare(b.zone) || a.start.localeCompare(b.start));
}

/** The Ministry's CSV (« Description;Population;Date de début;Date de fin;Académies;Zones;annee_scolaire »). */
export function parseCalendarCsv(text: string): Holiday[] {
  const [head = "", ...lines] = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const cols = head.split(";").map((c) => c.trim().toLowerCase());
  const at = (name: string) => cols.indexOf(name);
  const [desc, pop, from, to, zones, year] = [
    "description",
    "population",
    "date de début",
    "date de fin",
    "zones",
    "annee_scolaire",
  ].map(at);
  if ([desc, from, to, zones].some((i) => i === undefined || i < 0))
    throw new Error("colonnes du calendrier scolaire absentes");
  const rows = lines
    .map((l) => l.split(";"))
    .filter((c) => c.length >= cols.length && c[pop as number] !== "Enseignants" && c[to as number])
    .map((c) => ({
      label: (c[desc as number] ?? "").trim(),
      zone: zoneOf(c[zones as number] ?? ""),
      start: parisDay(c[from as number] as string),
      end: parisDay(c[to as number] as string),
      schoolYear: (c[year as number] ?? "").trim(),
    }));
  return dedupe(rows);
}

const icsDate = (v: string) => `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` as IsoDate;

/** The Ministry's ICS of one zone: each VEVENT with a start and an end is a holiday. */
export function parseCalendarIcs(text: string, zone: string): Holiday[] {
  const unfolded = text.replace(/\r?\n[ \t]/g, "");
  const events = unfolded.split("BEGIN:VEVENT").slice(1);
  const field = (e: string, name: string) =>
    new RegExp(`^${name}(?:;[^:]*)?:(.*)$`, "m").exec(e)?.[1]?.trim();
  const rows = events.flatMap((e) => {
    const start = field(e, "DTSTART");
    const end = field(e, "DTEND");
    const label = field(e, "SUMMARY")?.replace(/\\,/g, ",");
    if (!start || !end || !label) return [];
    const s = icsDate(start);
    const y = Number(s.slice(0, 4));
    const schoolYear = Number(s.slice(5, 7)) >= 8 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
    return [{ label, zone: zoneOf(zone), start: s, end: icsDate(end), schoolYear }];
  });
  return dedupe(rows);
}

let calendar: Holiday[] = parseCalendarCsv(readFileSync(SNAPSHOT, "utf8"));

/** Replaces the calendar in memory (from the table, after an import or a refresh). */
export function setSchoolCalendar(rows: Holiday[]): void {
  if (rows.length) calendar = rows;
}

/** The school holidays that day falls in for the town's zone, or null. */
export function schoolHoliday(day: IsoDate, zone: string): string | null {
  const h = calendar.find((c) => c.zone === zone && day > c.start && day < c.end);
  return h?.label ?? null;
}

/** The last day the calendar knows for each zone (the end of its last holidays). */
export function calendarEnds(): Map<string, IsoDate> {
  const ends = new Map<string, IsoDate>();
  for (const h of calendar) if (h.end > (ends.get(h.zone) ?? "")) ends.set(h.zone, h.end);
  return ends;
}

/** A zone's calendar is about to run out when it ends within this many days. */
export const WARN_DAYS = 365;

/** The zones whose calendar ends within WARN_DAYS of today (each with its end). */
export function calendarWarnings(today: IsoDate, zones?: string[]): { zone: string; end: IsoDate }[] {
  const limit = addDays(today, WARN_DAYS);
  return [...calendarEnds()]
    .filter(([zone, end]) => end <= limit && (!zones || zones.includes(zone)))
    .map(([zone, end]) => ({ zone, end }));
}
