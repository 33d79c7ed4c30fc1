import { type Kysely, sql } from "kysely";

/**
 * Issue 13: towns run from the operators' console.
 * - A town can be archived (closed for good, its records kept; its hosts answer 404).
 * - Every change of a tenants row is announced on the `parvis_tenants` channel, so that every
 *   server process drops its cached copy of the town's configuration at once (architecture §5.12).
 *   pg_notify is delivered at commit, and only if the change commits.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    alter table tenants drop constraint tenants_status_check;
    alter table tenants add constraint tenants_status_check
      check (status in ('active', 'suspended', 'archived'));

    create function app.notify_tenants_changed() returns trigger language plpgsql
      set search_path = pg_catalog as $$
      begin
        perform pg_notify('parvis_tenants', '');
        return null;
      end $$;
    create trigger tenants_changed after insert or update or delete on tenants
      for each statement execute function app.notify_tenants_changed();

    -- « Paramètres de la commune »: a town's active admins change its settings and logo, never
    -- its slug, name, hostnames or status (column grants), nor another town (policy).
    alter table tenants add constraint tenants_config_slug check (config ->> 'slug' = slug);
    create policy staff_admin_settings on tenants for update to app_staff
      using (id = (select app.tenant_id()) and exists (
        select from users u where u.tenant_id = tenants.id and u.id = (select app.user_id())
          and u.kind = 'staff' and u.staff_role = 'admin' and u.disabled_at is null))
      with check (id = (select app.tenant_id()));
    grant update (config, logo_svg, updated_at) on tenants to app_staff;

    -- « Équipe »: deactivating an agent ends every session of theirs at once (within the town).
    create policy staff_revoke on sessions for delete to app_staff using (true);

    -- Support access: an operator enters a town's back-office for one hour, read-only unless a
    -- reason is given. An operators' table (outside the town fence, like platform_audit);
    -- the town's staff read the entries into their own town, and the pages viewed.
    create table support_entries (
      id uuid primary key default gen_random_uuid(),
      operator_id uuid not null references operators (id),
      operator_name text not null,
      target_tenant_id uuid not null references tenants (id),
      entry_token text unique,
      session_token text unique,
      write boolean not null default false,
      reason text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ended_at timestamptz
    );
    create index support_entries_tenant_idx on support_entries (target_tenant_id, created_at);
    alter table support_entries enable row level security;
    alter table support_entries force row level security;
    create policy operator_own on support_entries for all to app_operator
      using (operator_id = (select app.user_id())) with check (operator_id = (select app.user_id()));
    create policy town_auth on support_entries for all to app_auth
      using (target_tenant_id = (select app.tenant_id())) with check (target_tenant_id = (select app.tenant_id()));
    create policy town_staff_read on support_entries for select to app_staff
      using (target_tenant_id = (select app.tenant_id()));
    grant select, insert on support_entries to app_operator;
    grant select, update on support_entries to app_auth;
    grant select on support_entries to app_staff;
    create policy town_staff_read on platform_audit for select to app_staff
      using (target_tenant_id = (select app.tenant_id()) and event like 'support%');
    grant select on platform_audit to app_staff;

    -- The platform dashboard: counts per town and the platform's health, never a row of a
    -- family. Narrow definers (like app.resolve_host), executable by operators only.
    create function app.platform_town_stats(p_from date, p_to date)
      returns table (tenant_id uuid, households int, active_accounts int, bookings int, invoices int,
        online_cents bigint, desk_cents bigint, payfip_failed int, documents_pending int)
      language sql stable security definer set search_path = pg_catalog, public as $$
        select t.id,
          (select count(*)::int from households h where h.tenant_id = t.id),
          (select count(distinct e.user_id)::int from auth_events e
            where e.tenant_id = t.id and e.event = 'login' and e.at > now() - interval '30 days'),
          (select count(*)::int from bookings b where b.tenant_id = t.id and b.day >= p_from and b.day < p_to
            and b.status not in ('refused', 'cancelled', 'expired')),
          (select count(*)::int from invoices i where i.tenant_id = t.id and i.kind = 'invoice'
            and i.issued_on >= p_from and i.issued_on < p_to),
          (select coalesce(sum(p.amount_cents), 0)::bigint from payments p where p.tenant_id = t.id
            and p.method in ('payfip_card', 'payfip_debit') and p.received_on >= p_from and p.received_on < p_to),
          (select coalesce(sum(p.amount_cents), 0)::bigint from payments p where p.tenant_id = t.id
            and p.method not in ('payfip_card', 'payfip_debit') and p.received_on >= p_from and p.received_on < p_to),
          (select count(*)::int from payment_attempts a where a.tenant_id = t.id
            and a.state in ('refused', 'error') and a.created_at >= p_from and a.created_at < p_to),
          (select count(*)::int from documents d where d.tenant_id = t.id and d.state = 'deposited')
        from tenants t
      $$;
    revoke all on function app.platform_town_stats(date, date) from public;
    grant execute on function app.platform_town_stats(date, date) to app_operator;

    -- plpgsql: the queue's schema is created after these migrations (src/db/prepare.ts).
    create function app.platform_health()
      returns table (queue_lag_seconds int, jobs_failed int, jobs_retrying int, mails_pending int,
        mails_failed int, database_bytes bigint)
      language plpgsql stable security definer set search_path = pg_catalog, public as $$
      begin
        return query select
          coalesce((select extract(epoch from now() - min(j.run_at))::int from graphile_worker.jobs j
            where j.locked_at is null and j.run_at <= now() and j.attempts < j.max_attempts), 0),
          (select count(*)::int from graphile_worker.jobs j where j.attempts >= j.max_attempts),
          (select count(*)::int from graphile_worker.jobs j where j.attempts > 0 and j.attempts < j.max_attempts),
          (select count(*)::int from outbox o where o.sent_at is null),
          (select count(*)::int from outbox o where o.sent_at is null and o.last_error is not null),
          pg_database_size(current_database());
      end $$;
    revoke all on function app.platform_health() from public;
    grant execute on function app.platform_health() to app_operator;

    -- Blank forms a town publishes (« Formulaires à télécharger »), uploaded by its admins: in
    -- the database, so that every process serves them (tenants/forms/ only seeds the demo).
    -- What an audited operator action was about (a page viewed in support, a reason given).
    alter table platform_audit add column detail text;
  `)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    drop function app.platform_health();
    drop function app.platform_town_stats(date, date);
    drop policy town_staff_read on platform_audit;
    revoke select on platform_audit from app_staff;
    drop table support_entries;
    alter table platform_audit drop column detail;
    drop policy staff_revoke on sessions;
    revoke update (config, logo_svg, updated_at) on tenants from app_staff;
    drop policy staff_admin_settings on tenants;
    alter table tenants drop constraint tenants_config_slug;
    drop trigger tenants_changed on tenants;
    drop function app.notify_tenants_changed();
    alter table tenants drop constraint tenants_status_check;
    alter table tenants add constraint tenants_status_check check (status in ('active', 'suspended'));
  `)
    .execute(db);
}
