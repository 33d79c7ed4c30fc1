/**
 * Issue 17 item 4: what inserting a run's invoice lines costs in PostgreSQL, and how much of it
 * is the foreign-key checks. The run's lines are inserted once more (labels suffixed, so the
 * « billed once » key holds) under EXPLAIN ANALYZE, as the staff member, in a transaction that
 * is rolled back: PostgreSQL reports the insert's own time and each constraint trigger's.
 */
import { sql } from "kysely";
import type { Database } from "../src/db/database.ts";
import type { BillingBenchData } from "./billing-generate.ts";

export interface LinesFloor {
  rows: number;
  totalMs: number;
  triggers: { name: string; ms: number; calls: number }[];
}

class RolledBack extends Error {
  constructor(readonly plan: unknown) {
    super("rolled back on purpose");
  }
}

interface Explained {
  Triggers?: { "Trigger Name": string; Time: number; Calls: number }[];
  "Execution Time": number;
}

export async function measureLinesFloor(
  db: Database,
  data: BillingBenchData,
  runId: string,
): Promise<LinesFloor> {
  const staff = { role: "app_staff" as const, tenantId: data.tenant.id, userId: data.staffUserId };
  let plan: unknown;
  try {
    await db.withTenant(staff, async (trx) => {
      const { rows } = await sql<{ "QUERY PLAN": Explained[] }>`
        explain (analyze, format json)
        insert into invoice_lines (tenant_id, invoice_id, household_id, booking_id, child_id, day, label,
          quantity, unit_cents, amount_cents, position)
        select l.tenant_id, l.invoice_id, l.household_id, l.booking_id, l.child_id, l.day, l.label || ' (bis)',
          l.quantity, l.unit_cents, l.amount_cents, l.position
        from invoice_lines l join invoices i on i.id = l.invoice_id where i.run_id = ${runId}::uuid`.execute(
        trx,
      );
      throw new RolledBack(rows[0]?.["QUERY PLAN"]);
    });
  } catch (e) {
    if (!(e instanceof RolledBack)) throw e;
    plan = e.plan;
  }
  const p = (plan as Explained[])[0] as Explained;
  const names = await db.withTenant(staff, async (trx) => {
    const { rows } = await sql<{ trigger: string; constraint: string }>`
      select t.tgname as trigger, c.conname as constraint from pg_trigger t
      join pg_constraint c on c.oid = t.tgconstraint where t.tgrelid = 'invoice_lines'::regclass`.execute(
      trx,
    );
    return new Map(rows.map((r) => [r.trigger, r.constraint]));
  });
  const triggers = (p.Triggers ?? []).map((t) => ({
    name: names.get(t["Trigger Name"]) ?? t["Trigger Name"],
    ms: t.Time,
    calls: t.Calls,
  }));
  return {
    // An insert's plan node returns no rows: each foreign key's trigger fires once per line.
    rows: Math.max(0, ...triggers.map((t) => t.calls)),
    totalMs: p["Execution Time"],
    triggers,
  };
}

export function linesFloorLine(f: LinesFloor): string {
  const fk = f.triggers.reduce((n, t) => n + t.ms, 0);
  return (
    `  invoice lines insert, measured apart (EXPLAIN ANALYZE as staff, rolled back): ${f.rows} lines in ` +
    `${(f.totalMs / 1000).toFixed(2)} s, of which constraint triggers (foreign keys) ${(fk / 1000).toFixed(2)} s ` +
    `(${f.totalMs > 0 ? ((100 * fk) / f.totalMs).toFixed(0) : 0} %): ` +
    f.triggers.map((t) => `${t.name} ${(t.ms / 1000).toFixed(2)} s × ${t.calls}`).join(", ")
  );
}
