import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

const own = "household_id = (select app.household_id())";

/**
 * « Inscriptions » (issue 15): a child's enrolment in a period of a service, « Régulier »
 * (weekdays from a date: accepting it books those days) or « à la carte » (the family books
 * day by day). Staff accept, refuse with a reason, or put it on the waiting list.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table enrolments (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      child_id uuid not null,
      period_id uuid not null,
      service_id uuid not null,
      mode text not null check (mode in ('regular', 'a_la_carte')),
      weekdays smallint[] not null default '{}',
      starts_on date not null,
      ends_on date not null,
      status text not null default 'pending'
        check (status in ('pending', 'accepted', 'refused', 'waiting', 'withdrawn', 'ended')),
      reason text,
      -- The booking dossier that holds the days an accepted regular enrolment booked.
      dossier_id uuid,
      booked_days integer not null default 0,
      created_by uuid,
      created_at timestamptz not null default now(),
      decided_by uuid,
      decided_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, period_id) references periods (tenant_id, id),
      foreign key (tenant_id, service_id) references services (tenant_id, id),
      foreign key (tenant_id, dossier_id) references booking_dossiers (tenant_id, id),
      check (ends_on >= starts_on),
      check (mode = 'a_la_carte' or cardinality(weekdays) > 0),
      check (status <> 'refused' or reason is not null)
    );
    -- One live enrolment per child and period: a double click cannot send two.
    create unique index enrolments_live_key on enrolments (tenant_id, child_id, period_id)
      where status in ('pending', 'accepted', 'waiting');
    create index enrolments_household_idx on enrolments (tenant_id, household_id, created_at);
    create index enrolments_queue_idx on enrolments (tenant_id, period_id, status, created_at);

    ${fenceSql("enrolments")}
    create policy parent_select on enrolments for select to app_parent using (${own});
    create policy parent_insert on enrolments for insert to app_parent
      with check (${own} and status = 'pending' and decided_by is null and dossier_id is null);
    create policy parent_update on enrolments for update to app_parent
      using (${own}) with check (${own} and status in ('withdrawn', 'ended'));
    grant select, insert, update on enrolments to app_parent, app_staff;
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
