import { type Kysely, sql } from "kysely";

/**
 * Issue 17: a monthly run is issued in slices of households and only knows its totals once
 * the last slice is written, so its invoicing_runs row is inserted last, in the same
 * transaction. The invoices' key to their run becomes deferrable (still immediate unless the
 * run defers it): it is then checked at commit, so a run's invoices still always have their
 * run. Nothing else changes; staff keep no update right on invoicing_runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invoices alter constraint invoices_tenant_id_run_id_fkey deferrable initially immediate`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invoices alter constraint invoices_tenant_id_run_id_fkey not deferrable`.execute(db);
}
