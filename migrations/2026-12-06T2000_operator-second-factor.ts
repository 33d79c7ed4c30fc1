import { type Kysely, sql } from "kysely";

/**
 * Issue 16: the second factor is mandatory for platform operators. Like the other platform
 * tables (no town data, no tenant_id), RLS is forced and each persona sees only what it needs:
 * app_auth runs the login and the code; an operator reads and enrols their own factor only. An
 * operator session opened by the password alone waits for the code (`second_factor_pending`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table operator_second_factors (
      operator_id uuid primary key references operators (id) on delete cascade,
      totp_key bytea not null,
      enabled_at timestamptz,
      recovery_codes text[] not null default '{}',
      created_at timestamptz not null default now()
    );
    alter table operator_second_factors enable row level security;
    alter table operator_second_factors force row level security;
    create policy auth_all on operator_second_factors for all to app_auth using (true) with check (true);
    create policy own_all on operator_second_factors for all to app_operator
      using (operator_id = (select app.user_id())) with check (operator_id = (select app.user_id()));
    grant select, insert, update on operator_second_factors to app_auth;
    grant select on operator_second_factors to app_operator;

    alter table operator_sessions add column second_factor_pending boolean not null default true;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table operator_second_factors;
    alter table operator_sessions drop column second_factor_pending`.execute(db);
}
