import type { Trx } from "../../db/database.ts";
import type { Logger } from "../../lib/log.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { invoiceBasket } from "./basket-payment.ts";
import type { PricedLine } from "./pricing.ts";

// DESIGN §5.9 for « Mon panier »: where the money of a basket's attempt goes, even late.

/**
 * The invoice a paid basket attempt's money goes on, even when PayFiP's answer comes late
 * (an abandoned page paid after all): the basket being paid, or open again (invoiced as
 * usual on the lines that page was frozen with, the family's credit paying the rest), or
 * already paid by another attempt (its invoice, which the money then leaves in credit).
 * Null when the basket expired: nothing to record the money on.
 */
async function paidBasketInvoice(
  trx: Trx,
  tenant: Tenant,
  a: { basket_id: string; amount_cents: string | number },
  now: Date,
): Promise<{ invoiceId: string | null; late: boolean }> {
  const k = await trx
    .selectFrom("baskets")
    .select(["id", "state", "priced", "invoice_id"])
    .where("id", "=", a.basket_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (k.state === "paid") return { invoiceId: k.invoice_id, late: true };
  if (k.state === "open" && k.priced) {
    const total = (k.priced as PricedLine[]).reduce((s, l) => s + l.amountCents, 0);
    const credit = Math.max(0, total - Number(a.amount_cents));
    await trx
      .updateTable("baskets")
      .set({ state: "paying", credit_cents: credit })
      .where("id", "=", k.id)
      .execute();
  }
  return { invoiceId: await invoiceBasket(trx, tenant, k.id, now), late: false };
}

type Attempt = { id: string; basket_id: string | null; amount_cents: string | number };

/** The invoice a basket attempt's money goes on; a late payment is logged for staff. */
export async function basketInvoice(trx: Trx, tenant: Tenant, a: Attempt, now: Date, log: Logger) {
  const basket = { basket_id: a.basket_id as string, amount_cents: a.amount_cents };
  const { invoiceId, late } = await paidBasketInvoice(trx, tenant, basket, now);
  if (late)
    log.warn(
      { tenant: tenant.slug, attempt: a.id, invoice: invoiceId },
      "payfip: basket already paid by another attempt, this payment leaves the household in credit",
    );
  return invoiceId;
}
