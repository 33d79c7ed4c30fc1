import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

/**
 * A month's invoicing run issued by the job worker, not inside the staff's request (issue 17,
 * item 4): staff ask for it, the « issue_invoicing » job issues it in one transaction as the
 * staff who asked (the only one who may request it: the insert policy), and records its steps here so the page can show its progress.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table invoicing_jobs (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      regie_id uuid not null,
      month date not null check (extract(day from month) = 1),
      requested_by uuid not null,
      invoice_count integer not null check (invoice_count >= 0),
      total_cents bigint not null,
      state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
      step integer not null default 0 check (step >= 0),
      problem text,
      run_id uuid,
      issued integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, regie_id) references regies (tenant_id, id),
      foreign key (tenant_id, run_id) references invoicing_runs (tenant_id, id)
    );
    create index invoicing_jobs_month_idx on invoicing_jobs (tenant_id, regie_id, month, state);
    ${fenceSql("invoicing_jobs")}
    create policy own_request on invoicing_jobs as restrictive for insert to app_staff
      with check (requested_by = (select app.user_id()));
    grant select, insert, update on invoicing_jobs to app_staff;

    -- Before the e-mails already queued (a rush's confirmations): staff wait for this one.
    create function app.enqueue_invoicing_job() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public
      as $$
      begin
        perform graphile_worker.add_job('issue_invoicing',
          json_build_object('tenantId', new.tenant_id, 'id', new.id, 'requestedBy', new.requested_by),
          max_attempts => 3, priority => -10);
        return null;
      end
      $$;
    revoke all on function app.enqueue_invoicing_job() from public;
    create trigger invoicing_jobs_enqueue after insert on invoicing_jobs
      for each row execute function app.enqueue_invoicing_job();
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
