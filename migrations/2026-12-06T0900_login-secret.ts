import { type Kysely, sql } from "kysely";

/**
 * The generated password of the request pool's login role, kept in the database so that
 * every instance on it logs in with the same one (issue 9: each boot used to set its own).
 * Only the owner reads it: no grant to the login role or the personas. Unused when
 * APP_DB_PASSWORD is set (production).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table app.login_secrets (
      role_name text primary key,
      password text not null,
      created_at timestamptz not null default now()
    );
    revoke all on app.login_secrets from public;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table app.login_secrets`.execute(db);
}
