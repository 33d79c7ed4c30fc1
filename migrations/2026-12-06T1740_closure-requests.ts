import { type Kysely, sql } from "kysely";

/**
 * « Demander la fermeture de mon compte » (issue 16, item 14): a parent asks, the town's staff
 * close the household's accounts (invoices and payments stay, as public accounting requires).
 * Parents read and file their household's requests; staff read and decide them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table closure_requests (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      requested_by uuid not null,
      reason text,
      requested_at timestamptz not null default now(),
      status text not null default 'pending' check (status in ('pending', 'closed')),
      decided_by uuid,
      decided_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id) on delete cascade
    );
    create unique index closure_requests_pending_key on closure_requests (tenant_id, household_id)
      where status = 'pending';
    create index closure_requests_status_idx on closure_requests (tenant_id, status, requested_at);
    alter table closure_requests enable row level security;
    alter table closure_requests force row level security;
    create policy tenant_fence on closure_requests as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy parent_read on closure_requests for select to app_parent
      using (household_id = (select app.household_id()));
    create policy parent_insert on closure_requests for insert to app_parent
      with check (household_id = (select app.household_id()) and requested_by = (select app.user_id())
        and status = 'pending');
    create policy staff_all on closure_requests for all to app_staff using (true) with check (true);
    grant select, insert (tenant_id, household_id, requested_by, reason) on closure_requests to app_parent;
    grant select, update on closure_requests to app_staff;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table closure_requests`.execute(db);
}
