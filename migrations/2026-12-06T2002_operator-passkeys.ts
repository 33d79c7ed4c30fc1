import { type Kysely, sql } from "kysely";

/**
 * Issue 16: passkeys (WebAuthn) for platform operators, as the easier factor next to their
 * TOTP. A platform table like `operator_second_factors` (no town data, no tenant_id): RLS
 * forced, app_auth runs the login check, an operator reads, adds and deletes only their own.
 * The challenge of a ceremony lives in the operator session that asked for it, as for town
 * sessions. And a TOTP code serves once: each factor keeps the last time step it accepted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table operator_passkeys (
      id uuid primary key default gen_random_uuid(),
      operator_id uuid not null references operators (id) on delete cascade,
      credential text not null unique,
      public_key bytea not null,
      counter bigint not null default 0,
      transports text[] not null default '{}',
      name text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz
    );
    create index operator_passkeys_operator_idx on operator_passkeys (operator_id);
    alter table operator_passkeys enable row level security;
    alter table operator_passkeys force row level security;
    create policy auth_all on operator_passkeys for all to app_auth using (true) with check (true);
    create policy own_all on operator_passkeys for all to app_operator
      using (operator_id = (select app.user_id())) with check (operator_id = (select app.user_id()));
    grant select, update on operator_passkeys to app_auth;
    grant select, insert, delete on operator_passkeys to app_operator;

    alter table operator_sessions add column webauthn_challenge text,
      add column webauthn_challenge_expires_at timestamptz;
    alter table second_factors add column last_used_step bigint;
    alter table operator_second_factors add column last_used_step bigint;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table operator_passkeys;
    alter table operator_sessions drop column webauthn_challenge, drop column webauthn_challenge_expires_at;
    alter table second_factors drop column last_used_step;
    alter table operator_second_factors drop column last_used_step`.execute(db);
}
