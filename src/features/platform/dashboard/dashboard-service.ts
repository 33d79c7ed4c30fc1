import { sql } from "kysely";
import type { OperatorSession } from "../../../auth/operator-sessions.ts";
import type { Database } from "../../../db/database.ts";
import { addMonths } from "../../../lib/dates.ts";
import { asOperator } from "../audit.ts";

export interface TownStats {
  tenant_id: string;
  name: string;
  status: string;
  households: number;
  active_accounts: number;
  bookings: number;
  invoices: number;
  online_cents: number;
  desk_cents: number;
  payfip_failed: number;
  documents_pending: number;
}

export const COLUMNS = [
  ["name", "Commune"],
  ["households", "Foyers"],
  ["active_accounts", "Comptes actifs (30 j)"],
  ["bookings", "Réservations du mois"],
  ["invoices", "Factures émises du mois"],
  ["online_cents", "Paiements en ligne du mois"],
  ["desk_cents", "Paiements au guichet du mois"],
  ["payfip_failed", "Paiements PayFiP échoués du mois"],
  ["documents_pending", "Documents à valider"],
] as const;
export type SortKey = (typeof COLUMNS)[number][0];

/** Per-town counts of the month (Europe/Paris) and the platform's health, for operators. */
export async function dashboard(
  db: Database,
  op: OperatorSession,
  month: string,
  sort: SortKey,
  desc: boolean,
) {
  const from = `${month}-01`;
  const to = `${addMonths(month, 1)}-01`;
  return db.withTenant(asOperator(op), async (trx) => {
    const { rows } = await sql<TownStats>`
      select s.*, t.name, t.status from app.platform_town_stats(${from}::date, ${to}::date) s
      join tenants t on t.id = s.tenant_id`.execute(trx);
    const health = (await sql<Record<string, number>>`select * from app.platform_health()`.execute(trx))
      .rows[0];
    const towns = rows
      .map((r) => ({ ...r, online_cents: Number(r.online_cents), desk_cents: Number(r.desk_cents) }))
      .sort((a, b) => {
        const [x, y] = [a[sort], b[sort]];
        const order =
          typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "fr");
        return desc ? -order : order;
      });
    return { towns, health: { ...health, database_bytes: Number(health?.database_bytes ?? 0) } };
  });
}
