import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

/**
 * Issue 16: passkeys (WebAuthn) as the easier second factor of town accounts. Fenced per town,
 * and per person like `second_factors`; a town admin reads and deletes others' (the audited
 * reset). The challenge of a ceremony lives in the session row that started it: single use
 * (taken by the check), expiring.
 */
const ADMIN = sql.raw("(select u.staff_role from users u where u.id = (select app.user_id())) = 'admin'");

export async function up(db: Kysely<unknown>): Promise<void> {
  const fence = fenceSql("passkeys").replace(/create policy staff_all[^;]*;/, "");
  await sql`
    create table passkeys (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      user_id uuid not null,
      credential text not null,
      public_key bytea not null,
      counter bigint not null default 0,
      transports text[] not null default '{}',
      name text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      primary key (tenant_id, id),
      unique (tenant_id, credential),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index passkeys_user_idx on passkeys (tenant_id, user_id);
    ${sql.raw(fence)}
    create policy auth_all on passkeys for all to app_auth using (true) with check (true);
    create policy own_all on passkeys for all to app_staff, app_parent
      using (user_id = (select app.user_id())) with check (user_id = (select app.user_id()));
    create policy admin_read on passkeys for select to app_staff using (${ADMIN});
    create policy admin_reset on passkeys for delete to app_staff using (${ADMIN});
    grant select, update on passkeys to app_auth;
    grant select, insert, delete on passkeys to app_staff, app_parent;

    alter table sessions add column webauthn_challenge text,
      add column webauthn_challenge_expires_at timestamptz;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table passkeys; alter table sessions drop column webauthn_challenge,
    drop column webauthn_challenge_expires_at`.execute(db);
}
