import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

const own = "household_id = (select app.household_id())";

/**
 * « Nouvelle inscription scolaire » (issue 15): the town's school map (streets → public
 * school, imported as CSV by staff) and the families' requests for a school year and level,
 * at the sector school or by derogation, decided by staff, then certified.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table school_streets (
      tenant_id uuid not null references tenants (id),
      street_key text not null,
      street text not null,
      school text not null,
      primary key (tenant_id, street_key)
    );
    create index school_streets_school_idx on school_streets (tenant_id, school);

    create table school_requests (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      child_id uuid not null,
      school_year text not null check (school_year ~ '^[0-9]{4}-[0-9]{4}$'),
      level text not null,
      sector_school text,
      school text not null,
      derogation boolean not null default false,
      derogation_reason text,
      status text not null default 'pending' check (status in ('pending', 'accepted', 'refused', 'withdrawn')),
      reason text,
      certificate_number bigint,
      created_by uuid,
      created_at timestamptz not null default now(),
      decided_by uuid,
      decided_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      check (not derogation or derogation_reason is not null),
      check (status <> 'refused' or reason is not null)
    );
    create unique index school_requests_live_key on school_requests (tenant_id, child_id, school_year)
      where status in ('pending', 'accepted');
    create index school_requests_school_idx on school_requests (tenant_id, school_year, school, level, status);
    create index school_requests_household_idx on school_requests (tenant_id, household_id, created_at);

    ${fenceSql("school_streets")}
    ${fenceSql("school_requests")}
    create policy parent_select on school_streets for select to app_parent using (true);
    create policy parent_select on school_requests for select to app_parent using (${own});
    create policy parent_insert on school_requests for insert to app_parent
      with check (${own} and status = 'pending' and decided_by is null and certificate_number is null);
    create policy parent_update on school_requests for update to app_parent
      using (${own} and status = 'pending') with check (${own} and status = 'withdrawn');
    grant select on school_streets to app_parent;
    grant select, insert, update, delete on school_streets to app_staff;
    grant select, insert, update on school_requests to app_parent, app_staff;
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
