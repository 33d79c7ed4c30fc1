/**
 * Parent billing tests: an issued invoice with its lines, inserted through the owner
 * connection as an invoicing run (or the staff's Treasury hand-over) would leave it.
 */
import type { Kysely } from "kysely";
import type { DB } from "../../src/db/types.ts";

export interface InvoiceSpec {
  number: string;
  seq: number;
  /** [label, quantity, unit cents]: the total is their sum. */
  lines: [string, number, number][];
  issuedOn?: string;
  dueOn?: string;
  treasuryRef?: string;
  regieKey?: string;
}

export async function issuedInvoice(
  owner: Kysely<DB>,
  householdId: string,
  spec: InvoiceSpec,
): Promise<string> {
  const h = await owner
    .selectFrom("households")
    .select("tenant_id")
    .where("id", "=", householdId)
    .executeTakeFirstOrThrow();
  let regies = owner.selectFrom("regies").select("id").where("tenant_id", "=", h.tenant_id);
  if (spec.regieKey) regies = regies.where("key", "=", spec.regieKey);
  const regie = await regies.orderBy("name").executeTakeFirstOrThrow();
  const total = spec.lines.reduce((s, [, q, u]) => s + q * u, 0);
  const invoice = await owner
    .insertInto("invoices")
    .values({
      tenant_id: h.tenant_id,
      regie_id: regie.id,
      household_id: householdId,
      kind: "invoice",
      seq: spec.seq,
      number: spec.number,
      month: "2026-10-01",
      issued_on: spec.issuedOn ?? "2026-11-02",
      due_on: spec.dueOn ?? "2026-12-02",
      total_cents: total,
      treasury_ref: spec.treasuryRef ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await owner
    .insertInto("invoice_lines")
    .values(
      spec.lines.map(([label, quantity, unit], position) => ({
        tenant_id: h.tenant_id,
        invoice_id: invoice.id,
        household_id: householdId,
        label,
        quantity,
        unit_cents: unit,
        amount_cents: quantity * unit,
        position,
      })),
    )
    .execute();
  return invoice.id;
}
