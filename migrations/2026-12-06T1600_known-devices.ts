import { type Kysely, sql } from "kysely";

/**
 * Browsers that logged in to an account before (a random cookie, only its digest stored):
 * they get their own login budget, so an attacker guessing elsewhere cannot lock the owner out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table known_devices (
      tenant_id uuid not null references tenants (id),
      id text not null,
      user_id uuid not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index known_devices_user_idx on known_devices (tenant_id, user_id);
    alter table known_devices enable row level security;
    alter table known_devices force row level security;
    create policy tenant_fence on known_devices as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy auth_all on known_devices for all to app_auth using (true) with check (true);
    create policy own_read on known_devices for select to app_parent, app_staff
      using (user_id = (select app.user_id()));
    create policy own_delete on known_devices for delete to app_parent, app_staff
      using (user_id = (select app.user_id()));
    grant select, insert, update, delete on known_devices to app_auth;
    grant select, delete on known_devices to app_parent, app_staff;

    -- « Mes connexions »: which device and which network each session started from.
    alter table sessions add column device text, add column ip_prefix text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table known_devices; alter table sessions drop column device, drop column ip_prefix`.execute(
    db,
  );
}
