import { type Kysely, sql } from "kysely";

/**
 * The parent's visits to the portal (issue 11 item 4): « À faire » lists the requests decided
 * since the previous visit. A visit is one session; `since` is when the previous visit last
 * showed the home page (null before any). Each parent reads and writes only their own row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table home_visits (
      tenant_id uuid not null references tenants (id),
      user_id uuid not null,
      household_id uuid not null,
      session_key text not null,
      since timestamptz,
      seen_at timestamptz not null,
      primary key (tenant_id, user_id),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade,
      foreign key (tenant_id, household_id) references households (tenant_id, id) on delete cascade
    );
    create index home_visits_household_idx on home_visits (tenant_id, household_id);
    alter table home_visits enable row level security;
    alter table home_visits force row level security;
    create policy tenant_fence on home_visits as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy parent_own on home_visits for all to app_parent
      using (user_id = (select app.user_id()) and household_id = (select app.household_id()))
      with check (user_id = (select app.user_id()) and household_id = (select app.household_id()));
    grant select, insert, update on home_visits to app_parent;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table home_visits`.execute(db);
}
