import { type Kysely, sql } from "kysely";

/**
 * Who looked at a child's health information, and when (issue 16, item 13): never the values.
 * Staff write and read it (the route keeps reading to town admins); parents read their
 * household's rows. Nobody updates or deletes a row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table health_access_log (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      child_id uuid not null,
      viewer_id uuid not null,
      viewer_name text not null,
      what text not null check (what in ('fiche', 'pointage', 'export', 'pdf')),
      at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id) on delete cascade
    );
    create index health_access_log_child_idx on health_access_log (tenant_id, child_id, at);
    alter table health_access_log enable row level security;
    alter table health_access_log force row level security;
    create policy tenant_fence on health_access_log as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy staff_insert on health_access_log for insert to app_staff
      with check (viewer_id = (select app.user_id()));
    create policy staff_read on health_access_log for select to app_staff using (true);
    create policy parent_read on health_access_log for select to app_parent
      using (household_id = (select app.household_id()));
    grant select, insert on health_access_log to app_staff;
    grant select on health_access_log to app_parent;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table health_access_log`.execute(db);
}
