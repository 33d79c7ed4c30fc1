import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

/**
 * « Pièces à fournir » for a « Nouvelle inscription scolaire » (issue 15): the document types
 * (keys of the town's documents.types) staff require with every school request, one row per town.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table school_settings (
      tenant_id uuid not null references tenants (id),
      documents text[] not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (tenant_id)
    );
    ${fenceSql("school_settings")}
    create policy parent_select on school_settings for select to app_parent using (true);
    grant select on school_settings to app_parent;
    grant select, insert, update on school_settings to app_staff;
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
