import { type Kysely, sql } from "kysely";

/**
 * Issue 17: a line's town is its invoice's (the key (tenant_id, invoice_id) → invoices), and
 * the invoice's town is checked against `tenants`; the line's own key to `tenants` checked the
 * same thing again, one trigger per line — about a fifth of an invoicing run's insert time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invoice_lines drop constraint invoice_lines_tenant_id_fkey`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invoice_lines add constraint invoice_lines_tenant_id_fkey
    foreign key (tenant_id) references tenants (id)`.execute(db);
}
