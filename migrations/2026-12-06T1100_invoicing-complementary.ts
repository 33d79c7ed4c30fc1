import { type Kysely, sql } from "kysely";

/**
 * « Facturation complémentaire » (issue 11 item 5): a régie's month may be invoiced more than
 * once. The first run is sequence 1; a later one bills only the days no invoice line holds yet
 * (a child marked present after the run), so no day is billed twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    alter table invoicing_runs add column sequence integer not null default 1 check (sequence >= 1);
    alter table invoicing_runs drop constraint invoicing_runs_tenant_id_regie_id_month_key;
    alter table invoicing_runs add constraint invoicing_runs_month_sequence_key
      unique (tenant_id, regie_id, month, sequence);
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
