import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

/**
 * Online payments (docs/payfip.md): one row per attempt with its own refdet; the result comes
 * only from recupererDetailPaiementSecurise, fetched on the return, on the notification
 * and by a polling job that the insert schedules. The jobs persona settles attempts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table payment_attempts (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      regie_id uuid not null,
      household_id uuid not null,
      invoice_id uuid not null,
      created_by uuid not null,
      refdet text not null check (refdet ~ '^[A-Za-z0-9]{6,30}$'),
      idop text,
      amount_cents bigint not null check (amount_cents > 0),
      state text not null default 'created'
        check (state in ('created', 'pending', 'paid', 'refused', 'cancelled', 'expired', 'error')),
      result jsonb,
      error text,
      checks integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, refdet),
      unique (tenant_id, idop),
      foreign key (tenant_id, regie_id) references regies (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
    );
    create index payment_attempts_invoice_idx on payment_attempts (tenant_id, invoice_id, created_at);
    alter table payments add foreign key (tenant_id, attempt_id) references payment_attempts (tenant_id, id);

    ${fenceSql("payment_attempts")}
    create policy parent_select on payment_attempts for select to app_parent
      using (household_id = (select app.household_id()));
    create policy parent_insert on payment_attempts for insert to app_parent
      with check (household_id = (select app.household_id()) and created_by = (select app.user_id()));
    create policy parent_update on payment_attempts for update to app_parent
      using (household_id = (select app.household_id())) with check (household_id = (select app.household_id()));
    create policy jobs_select on payment_attempts for select to app_jobs using (true);
    create policy jobs_update on payment_attempts for update to app_jobs using (true) with check (true);
    create policy jobs_select on invoices for select to app_jobs using (true);
    create policy jobs_update on invoices for update to app_jobs using (true) with check (true);
    create policy jobs_select on payments for select to app_jobs using (true);
    create policy jobs_insert on payments for insert to app_jobs with check (attempt_id is not null);
    create policy jobs_insert on audit_log for insert to app_jobs with check (actor_kind = 'system');
    create policy jobs_select on regies for select to app_jobs using (true);
    grant select, insert, update on payment_attempts to app_parent, app_staff;
    grant select, update on payment_attempts to app_jobs;
    grant select, update on invoices to app_jobs;
    grant select, insert on payments to app_jobs;
    grant select on regies to app_jobs;
    grant insert on audit_log to app_jobs;

    create function app.enqueue_payment_check() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public
      as $$
      begin
        perform graphile_worker.add_job(
          'check_payment',
          json_build_object('tenantId', new.tenant_id, 'id', new.id, 'round', 0),
          run_at => now() + interval '5 minutes',
          max_attempts => 20
        );
        return null;
      end
      $$;
    revoke all on function app.enqueue_payment_check() from public;
    create trigger payment_attempt_check after insert on payment_attempts
      for each row execute function app.enqueue_payment_check();
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
