import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

/** A news item is shown from its first day to its last, Paris time. */
const live =
  "publish_from <= (now() at time zone 'Europe/Paris')::date and (publish_until is null or publish_until >= (now() at time zone 'Europe/Paris')::date)";

/**
 * What the town publishes (issue 14, items 4 and 7): « Actualités » (public or parents only),
 * information pages and « Formulaires » to download, written by staff in the back-office.
 * Signed-out visitors read public news through the auth persona, the only one a public page has.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table news (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      title text not null check (length(title) between 1 and 150),
      body text not null check (length(body) between 1 and 10000),
      audience text not null check (audience in ('public', 'parents')),
      publish_from date not null,
      publish_until date,
      image bytea,
      image_mime text,
      created_by uuid not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      check (publish_until is null or publish_until >= publish_from),
      check ((image is null) = (image_mime is null))
    );
    create index news_publish_idx on news (tenant_id, publish_from, publish_until);

    create table info_pages (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      title text not null check (length(title) between 1 and 150),
      body text not null check (length(body) between 1 and 20000),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );

    create table town_forms (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      label text not null check (length(label) between 1 and 150),
      category text not null check (length(category) between 1 and 80),
      valid_until date,
      filename text not null check (length(filename) between 1 and 200),
      mime text not null,
      size integer not null check (size > 0),
      content bytea not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      check (octet_length(content) = size)
    );

    ${fenceSql("news")}
    ${fenceSql("info_pages")}
    ${fenceSql("town_forms")}

    create policy public_select on news for select to app_auth using (audience = 'public' and ${live});
    create policy parent_select on news for select to app_parent using (${live});
    create policy parent_select on info_pages for select to app_parent using (true);
    create policy parent_select on town_forms for select to app_parent
      using (valid_until is null or valid_until >= (now() at time zone 'Europe/Paris')::date);
  `)
    .execute(db);
  await sql`
    grant select on news to app_auth, app_parent;
    grant select on info_pages, town_forms to app_parent;
    grant select, insert, update on news, info_pages, town_forms to app_staff;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
