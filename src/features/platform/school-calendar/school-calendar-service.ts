import type { OperatorSession } from "../../../auth/operator-sessions.ts";
import type { Database, Trx } from "../../../db/database.ts";
import {
  calendarEnds,
  calendarWarnings,
  type Holiday,
  parseCalendarCsv,
  parseCalendarIcs,
  setSchoolCalendar,
} from "../../../lib/school-holidays.ts";
import { asOperator } from "../audit.ts";

const READER = { role: "app_jobs" as const, tenantId: null };
/** Other processes pick an import up within this delay. */
const REFRESH_MS = 5 * 60_000;
let loadedAt = 0;

async function rows(trx: Trx): Promise<Holiday[]> {
  const found = await trx
    .selectFrom("school_holidays")
    .select(["zone", "label", "start_on", "end_on", "school_year"])
    .orderBy("zone")
    .orderBy("start_on")
    .execute();
  return found.map((r) => ({
    zone: r.zone,
    label: r.label,
    start: r.start_on,
    end: r.end_on,
    schoolYear: r.school_year,
  }));
}

/** Loads the table into the planning's calendar, at most every REFRESH_MS (or now, with `force`). */
export async function refreshSchoolCalendar(db: Database, now = Date.now(), force = false): Promise<void> {
  if (!force && now - loadedAt < REFRESH_MS) return;
  loadedAt = now;
  setSchoolCalendar(await db.withTenant(READER, rows));
}

export type ImportResult = { ok: true; count: number; years: string[] } | { ok: false; error: string };

/** Reads an uploaded Ministry file: CSV (every zone) or ICS (one zone, named by the operator). */
export function parseUpload(filename: string, text: string, zone: string): Holiday[] | string {
  try {
    const rows =
      /\.ics$/i.test(filename) || text.includes("BEGIN:VCALENDAR")
        ? parseCalendarIcs(text, zone)
        : parseCalendarCsv(text);
    return rows.length ? rows : "Le fichier ne contient aucune période de vacances.";
  } catch {
    return "Fichier non reconnu : choisissez le calendrier scolaire du ministère au format CSV ou ICS.";
  }
}

/**
 * Replaces, for each zone and school year the file covers, the holidays on record by the
 * file's, in one transaction; then the calendar in memory.
 */
export async function importCalendar(
  db: Database,
  o: OperatorSession,
  holidays: Holiday[],
): Promise<ImportResult> {
  const years = [...new Set(holidays.map((h) => h.schoolYear))].sort();
  const zones = [...new Set(holidays.map((h) => h.zone))];
  await db.withTenant(asOperator(o), async (trx) => {
    await trx
      .deleteFrom("school_holidays")
      .where("zone", "in", zones)
      .where("school_year", "in", years)
      .execute();
    await trx
      .insertInto("school_holidays")
      .values(
        holidays.map((h) => ({
          zone: h.zone,
          label: h.label,
          start_on: h.start,
          end_on: h.end,
          school_year: h.schoolYear,
        })),
      )
      .onConflict((oc) => oc.columns(["zone", "label", "start_on"]).doNothing())
      .execute();
  });
  await refreshSchoolCalendar(db, Date.now(), true);
  return { ok: true, count: holidays.length, years };
}

/** Per zone: the last day the calendar knows, and whether it runs out within a year. */
export function coverage(today: string) {
  const warned = new Set(calendarWarnings(today).map((w) => w.zone));
  return [...calendarEnds()].map(([zone, end]) => ({ zone, end, warn: warned.has(zone) }));
}
