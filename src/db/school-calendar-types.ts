import type { Generated } from "kysely";

/** The Ministry's school calendar, platform-wide (not town data). */
export interface SchoolHolidaysTable {
  id: Generated<string>;
  zone: string;
  label: string;
  start_on: string;
  end_on: string;
  school_year: string;
  imported_at: Generated<Date>;
}

export interface SchoolCalendarTables {
  school_holidays: SchoolHolidaysTable;
}
