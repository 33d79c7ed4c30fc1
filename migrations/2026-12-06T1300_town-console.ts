import { type Kysely, sql } from "kysely";

/**
 * Issue 13: towns run from the operators' console.
 * - A town can be archived (closed for good, its records kept; its hosts answer 404).
 * - Every change of a tenants row is announced on the `parvis_tenants` channel, so that every
 *   server process drops its cached copy of the town's configuration at once (DESIGN §5.12).
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

    -- What an audited operator action was about (a page viewed in support, a reason given).
    alter table platform_audit add column detail text;
  `)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
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
