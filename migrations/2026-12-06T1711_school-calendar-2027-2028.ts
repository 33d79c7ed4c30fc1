import { readFileSync } from "node:fs";
import { type Kysely, sql } from "kysely";
import { parseCalendarCsv, SNAPSHOT } from "../src/lib/school-holidays.ts";

const YEAR = "2027-2028";

/**
 * The 2027-2028 school year joined the shipped snapshot after databases were seeded from it
 * (2026-12-06T1101): adds it to each zone that has none of that year yet, so a calendar an
 * operator already imported for it stays as imported. A fresh database has it already.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const known = await sql<{ zone: string }>`
    select distinct zone from school_holidays where school_year = ${YEAR}`.execute(db);
  const covered = new Set(known.rows.map((r) => r.zone));
  const rows = parseCalendarCsv(readFileSync(SNAPSHOT, "utf8")).filter(
    (h) => h.schoolYear === YEAR && !covered.has(h.zone),
  );
  for (const h of rows)
    await sql`insert into school_holidays (zone, label, start_on, end_on, school_year)
      values (${h.zone}, ${h.label}, ${h.start}, ${h.end}, ${YEAR})
      on conflict (zone, label, start_on) do nothing`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
