import type { IsoDate } from "./dates.ts";

/**
 * School holidays of metropolitan France by zone, from the Ministry's published calendar
 * (open data « Calendrier scolaire », data.education.gouv.fr). No maintained npm library
 * carries it (docs/decisions/0008). `end` is the morning classes resume: holidays cover
 * the days after `start` (the last day of classes) up to the day before `end`.
 */
interface Holiday {
  label: string;
  zones: readonly ("A" | "B" | "C")[];
  start: IsoDate;
  end: IsoDate;
}

const ALL = ["A", "B", "C"] as const;

const CALENDAR: Holiday[] = [
  { label: "Vacances de la Toussaint", zones: ALL, start: "2025-10-18", end: "2025-11-03" },
  { label: "Vacances de Noël", zones: ALL, start: "2025-12-20", end: "2026-01-05" },
  { label: "Vacances d'hiver", zones: ["A"], start: "2026-02-07", end: "2026-02-23" },
  { label: "Vacances d'hiver", zones: ["B"], start: "2026-02-14", end: "2026-03-02" },
  { label: "Vacances d'hiver", zones: ["C"], start: "2026-02-21", end: "2026-03-09" },
  { label: "Vacances de printemps", zones: ["A"], start: "2026-04-04", end: "2026-04-20" },
  { label: "Vacances de printemps", zones: ["B"], start: "2026-04-11", end: "2026-04-27" },
  { label: "Vacances de printemps", zones: ["C"], start: "2026-04-18", end: "2026-05-04" },
  { label: "Pont de l'Ascension", zones: ALL, start: "2026-05-13", end: "2026-05-18" },
  { label: "Vacances d'été", zones: ALL, start: "2026-07-04", end: "2026-09-01" },
  { label: "Vacances de la Toussaint", zones: ALL, start: "2026-10-17", end: "2026-11-02" },
  { label: "Vacances de Noël", zones: ALL, start: "2026-12-19", end: "2027-01-04" },
  { label: "Vacances d'hiver", zones: ["A"], start: "2027-02-13", end: "2027-03-01" },
  { label: "Vacances d'hiver", zones: ["B"], start: "2027-02-20", end: "2027-03-08" },
  { label: "Vacances d'hiver", zones: ["C"], start: "2027-02-06", end: "2027-02-22" },
  { label: "Vacances de printemps", zones: ["A"], start: "2027-04-10", end: "2027-04-26" },
  { label: "Vacances de printemps", zones: ["B"], start: "2027-04-17", end: "2027-05-03" },
  { label: "Vacances de printemps", zones: ["C"], start: "2027-04-03", end: "2027-04-19" },
  { label: "Pont de l'Ascension", zones: ALL, start: "2027-05-05", end: "2027-05-10" },
  { label: "Vacances d'été", zones: ALL, start: "2027-07-03", end: "2027-09-01" },
];

/** The school holidays that day falls in for the town's zone, or null. */
export function schoolHoliday(day: IsoDate, zone: "A" | "B" | "C"): string | null {
  const h = CALENDAR.find((c) => c.zones.includes(zone) && day > c.start && day < c.end);
  return h?.label ?? null;
}
