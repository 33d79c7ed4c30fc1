import { type Kysely, sql } from "kysely";

/**
 * Every outbox row becomes a graphile-worker job in the same transaction, so an e-mail
 * is queued exactly when the change that causes it commits. The trigger runs as the owner
 * (the request personas have no rights on the queue's schema); see docs/decisions/0003.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function app.enqueue_outbox() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public
      as $$
      begin
        perform graphile_worker.add_job(
          'send_mail',
          json_build_object('tenantId', new.tenant_id, 'id', new.id),
          max_attempts => 12
        );
        return null;
      end
      $$;
    revoke all on function app.enqueue_outbox() from public;
    create trigger outbox_enqueue after insert on outbox
      for each row execute function app.enqueue_outbox();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
