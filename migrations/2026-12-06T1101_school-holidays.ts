import { readFileSync } from "node:fs";
import { type Kysely, sql } from "kysely";
import { parseCalendarCsv, SNAPSHOT } from "../src/lib/school-holidays.ts";

/**
 * School holidays as data (issue 11 item 7): the Ministry's calendar, platform-wide (not town
 * data: no tenant_id), read by every persona, replaced by operators' imports. Seeded with the
 * snapshot shipped in data/school-calendar/.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table school_holidays (
      id uuid primary key default gen_random_uuid(),
      zone text not null check (length(zone) between 1 and 60),
      label text not null check (length(label) between 1 and 200),
      start_on date not null,
      end_on date not null check (end_on > start_on),
      school_year text not null,
      imported_at timestamptz not null default now(),
      unique (zone, label, start_on)
    );
    create index school_holidays_zone_idx on school_holidays (zone, end_on);
    alter table school_holidays enable row level security;
    alter table school_holidays force row level security;
    create policy everyone_reads on school_holidays for select
      to app_parent, app_staff, app_operator, app_jobs, app_auth using (true);
    create policy operator_writes on school_holidays for all to app_operator using (true) with check (true);
    grant select on school_holidays to app_parent, app_staff, app_operator, app_jobs, app_auth;
    grant insert, delete on school_holidays to app_operator;
  `)
    .execute(db);
  for (const h of parseCalendarCsv(readFileSync(SNAPSHOT, "utf8")))
    await sql`insert into school_holidays (zone, label, start_on, end_on, school_year)
      values (${h.zone}, ${h.label}, ${h.start}, ${h.end}, ${h.schoolYear})`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
