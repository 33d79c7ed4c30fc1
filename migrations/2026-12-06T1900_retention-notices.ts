import { type Kysely, sql } from "kysely";

/**
 * Retention, second round (issue 16, item 15). `retention_notices`: one advance notice to the
 * town's admins per household and due date, however often the job runs. The job also reads
 * enrolments and school requests: a child's health record goes once the school year is over
 * unless the child is booked, enrolled or registered at school for the coming one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table retention_notices (
      tenant_id uuid not null references tenants (id),
      household_id uuid not null,
      due_on date not null,
      sent_at timestamptz not null default now(),
      primary key (tenant_id, household_id, due_on),
      foreign key (tenant_id, household_id) references households (tenant_id, id) on delete cascade
    );
    alter table retention_notices enable row level security;
    alter table retention_notices force row level security;
    create policy tenant_fence on retention_notices as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy jobs_select on retention_notices for select to app_jobs using (true);
    create policy jobs_insert on retention_notices for insert to app_jobs with check (true);
    grant select, insert on retention_notices to app_jobs;
    create policy retention_select on enrolments for select to app_jobs using (true);
    create policy retention_select on school_requests for select to app_jobs using (true);
    grant select on enrolments, school_requests to app_jobs;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    revoke select on enrolments, school_requests from app_jobs;
    drop policy retention_select on enrolments;
    drop policy retention_select on school_requests;
    drop table retention_notices;
  `.execute(db);
}
