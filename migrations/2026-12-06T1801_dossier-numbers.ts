import { type Kysely, sql } from "kysely";

/**
 * « N° dossier » from a sequence (issue 17, item 3): the per-town counter row was locked by
 * every booking until its commit, a queue for the whole town. Dossier numbers need not be
 * gapless (invoice numbers still are): one platform-wide sequence gives each dossier a number
 * without waiting; a town's numbers still grow. It starts past every number already given.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    do $$
    declare first bigint;
    begin
      select greatest(1000, coalesce(max(value), 0) + 1) into first
        from counters where name = 'booking_dossier';
      execute format('create sequence booking_dossier_numbers start with %s', first);
    end
    $$;
    grant usage on sequence booking_dossier_numbers to app_parent, app_staff, app_jobs;
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
