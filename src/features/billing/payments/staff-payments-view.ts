import type { AttemptState, PaymentMethod } from "../../../db/billing-types.ts";
import type { Trx } from "../../../db/database.ts";
import { HOUSEHOLD_COLUMNS, HOUSEHOLD_REGIE_COLUMNS, PAYMENT_COLUMNS } from "../staff-columns.ts";

export const ATTEMPT_STATE_LABELS: Record<AttemptState, string> = {
  created: "Créée",
  pending: "En attente du résultat",
  paid: "Payée",
  refused: "Refusée",
  cancelled: "Abandonnée",
  expired: "Expirée",
  error: "En erreur",
};

export interface PaymentFilters {
  regieId: string | null;
  method: PaymentMethod | null;
  from: string | null;
  to: string | null;
}

export const PAYMENTS_LIMIT = 500;

/** Payments received (desk and online), the latest first, with the totals per method of the selection. */
export async function paymentList(trx: Trx, f: PaymentFilters) {
  let query = trx
    .selectFrom("payments as p")
    .innerJoin("invoices as i", "i.id", "p.invoice_id")
    .innerJoin("households as h", "h.id", "p.household_id")
    .innerJoin("regies as r", "r.id", "p.regie_id")
    .leftJoin("users as u", "u.id", "p.recorded_by");
  if (f.regieId) query = query.where("p.regie_id", "=", f.regieId);
  if (f.method) query = query.where("p.method", "=", f.method);
  if (f.from) query = query.where("p.received_on", ">=", f.from);
  if (f.to) query = query.where("p.received_on", "<=", f.to);
  const rows = await query
    .select([
      ...PAYMENT_COLUMNS,
      "i.id as invoice_id",
      "i.number as invoice_number",
      ...HOUSEHOLD_REGIE_COLUMNS,
    ])
    .orderBy("p.received_on", "desc")
    .orderBy("p.created_at", "desc")
    .limit(PAYMENTS_LIMIT)
    .execute();
  const sums = query.select(["p.method", (eb) => eb.fn.sum<string>("p.amount_cents").as("cents")]);
  const totals = await sums
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .groupBy("p.method")
    .execute()
    .then((ts) => ts.map((t) => ({ method: t.method, cents: Number(t.cents), count: Number(t.n) })));
  const totalCents = totals.reduce((s, t) => s + t.cents, 0);
  return { rows, totals, totalCents, count: totals.reduce((s, t) => s + t.count, 0) };
}

export const ATTEMPTS_LIMIT = 200;

/** PayFiP attempts, the latest first, optionally of one state. */
export function attemptList(trx: Trx, state: AttemptState | null) {
  let query = trx
    .selectFrom("payment_attempts as a")
    // A basket's attempt has no invoice until it is paid: keep it in the list.
    .leftJoin("invoices as i", "i.id", "a.invoice_id")
    .innerJoin("households as h", "h.id", "a.household_id")
    .select([
      "a.id",
      "a.created_at",
      "a.amount_cents",
      "a.refdet",
      "a.idop",
      "a.state",
      "a.checks",
      "a.error",
      "i.id as invoice_id",
      "i.number as invoice_number",
      ...HOUSEHOLD_COLUMNS,
    ]);
  if (state) query = query.where("a.state", "=", state);
  return query.orderBy("a.created_at", "desc").limit(ATTEMPTS_LIMIT).execute();
}
