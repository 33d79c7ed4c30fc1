import { type Kysely, sql } from "kysely";

/**
 * The outbox still makes one send_mail job per row in the inserting transaction
 * (docs/decisions/0002), but once per statement, through graphile-worker's batch add_jobs:
 * a broadcast's 5,000 e-mail notices (issue 14) are one call, not 5,000.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function app.enqueue_outbox_rows() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public
      as $$
      begin
        perform graphile_worker.add_jobs(array(
          select row('send_mail', json_build_object('tenantId', n.tenant_id, 'id', n.id),
                     null, null, 12, null, null, null)::graphile_worker.job_spec
          from new_rows n));
        return null;
      end
      $$;
    revoke all on function app.enqueue_outbox_rows() from public;
    drop trigger outbox_enqueue on outbox;
    create trigger outbox_enqueue after insert on outbox
      referencing new table as new_rows
      for each statement execute function app.enqueue_outbox_rows();
    drop function app.enqueue_outbox();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
