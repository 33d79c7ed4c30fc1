import { type Kysely, sql } from "kysely";

/**
 * Issue 17: invoice_lines loses its single-column foreign key to tenants. The composite
 * (tenant_id, invoice_id) → invoices (tenant_id, id) already guarantees the tenant (invoice_id
 * is not null and an invoice's tenant_id references tenants), so the dropped trigger only
 * repeated a check, once per line: ≈ 22 % of a monthly run's lines insert. The other keys
 * (booking, child, credited line) each check a row of their own and stay.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table invoice_lines drop constraint invoice_lines_tenant_id_fkey`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table invoice_lines add constraint invoice_lines_tenant_id_fkey
      foreign key (tenant_id) references tenants (id)`.execute(db);
}
