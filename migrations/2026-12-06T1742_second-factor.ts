import { type Kysely, sql } from "kysely";

/**
 * Second factor for staff, optional for parents (issue 16, item 11): a TOTP key (RFC 6238) and the digests of its
 * recovery codes. A session opened by the password alone waits for the code
 * (`second_factor_pending`) and opens nothing meanwhile.
 */
const ADMIN = sql.raw("(select u.staff_role from users u where u.id = (select app.user_id())) = 'admin'");

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table second_factors (
      tenant_id uuid not null references tenants (id),
      user_id uuid not null,
      totp_key bytea not null,
      enabled_at timestamptz,
      recovery_codes text[] not null default '{}',
      created_at timestamptz not null default now(),
      primary key (tenant_id, user_id),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    alter table second_factors enable row level security;
    alter table second_factors force row level security;
    create policy tenant_fence on second_factors as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy auth_all on second_factors for all to app_auth using (true) with check (true);
    create policy own_all on second_factors for all to app_staff, app_parent
      using (user_id = (select app.user_id())) with check (user_id = (select app.user_id()));
    -- A town admin sees who has a factor and resets one (lost phone); audited by the service.
    create policy admin_read on second_factors for select to app_staff using (${ADMIN});
    create policy admin_reset on second_factors for delete to app_staff using (${ADMIN});
    grant select, update on second_factors to app_auth;
    grant select, insert, update, delete on second_factors to app_staff;
    grant select, insert, update on second_factors to app_parent;

    alter table sessions add column second_factor_pending boolean not null default false;

    -- The new-device e-mail (item 12) asks whether the account logged in from this network before.
    create policy auth_read on auth_events for select to app_auth using (true);
    grant select on auth_events to app_auth;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table second_factors; alter table sessions drop column second_factor_pending;
    drop policy auth_read on auth_events; revoke select on auth_events from app_auth`.execute(db);
}
