import { sql } from "kysely";
import type { Trx } from "../../../../db/database.ts";
import { makeRefdet, sanitizeObjet } from "../../../../integrations/payfip/rules.ts";
import { parisToday } from "../../../../lib/dates.ts";
import type { Tenant } from "../../../../tenancy/resolve.ts";

// A PayFiP attempt's row, for an invoice (invoice-attempt.ts) or a basket (basket-payment.ts).

/**
 * A create call never outlives this (online-payment.ts caps its budget well below): an attempt
 * still without idOp after it was cut short by a crash. Nobody can pay it, since no browser
 * was ever sent to its page.
 */
export const STRANDED_AFTER_MS = 15_000;

/** The update closing the invoice's or the basket's attempt stranded without an idOp. */
export function closeStranded(trx: Trx, on: "invoice_id" | "basket_id", id: string, now: Date) {
  return trx
    .updateTable("payment_attempts")
    .set({ state: "error", error: "Interrompu avant la réponse de PayFiP.", updated_at: sql`now()` })
    .where(on, "=", id)
    .where("state", "=", "created")
    .where("idop", "is", null)
    .where("created_at", "<", new Date(now.getTime() - STRANDED_AFTER_MS));
}

/** Who pays what to which régie (PayFiP's numcli), on an invoice or a basket. */
export interface NewAttempt {
  tenant: Tenant;
  userId: string;
  householdId: string;
  now: Date;
  regie: { id: string; numcli: string };
  on: { invoice_id: string } | { basket_id: string };
  amountCents: number;
  /** The head of the refdet and the object shown on PayFiP's page (after the town's short name). */
  ref: string;
  objet: string;
}

/** The attempt's row, and what PayFiP's create call is sent for it. */
export async function insertAttempt(trx: Trx, a: NewAttempt) {
  const row = await trx
    .insertInto("payment_attempts")
    .values({
      tenant_id: a.tenant.id,
      regie_id: a.regie.id,
      household_id: a.householdId,
      ...a.on,
      created_by: a.userId,
      refdet: makeRefdet(a.ref, a.now),
      amount_cents: a.amountCents,
      created_at: a.now,
    })
    .returning(["id", "refdet"])
    .executeTakeFirstOrThrow();
  return {
    attemptId: row.id,
    refdet: row.refdet,
    amountCents: a.amountCents,
    numcli: a.regie.numcli,
    exer: parisToday(a.now).slice(0, 4),
    objet: sanitizeObjet(`${a.tenant.config.shortName} ${a.objet}`),
  };
}
