import type { Selectable } from "kysely";
import type { BasketsTable } from "../../../db/billing-types.ts";
import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import type { Logger } from "../../../lib/log.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { moveToBasket } from "../../planning/booking/status/status-service.ts";
import { availableCredit, lockAccount } from "../payments/credit-ledger.ts";
import type { PricedLine } from "../pricing/pricing.ts";
import { invoiceBasket } from "./basket-payment.ts";
import { lockedBasket } from "./basket-service.ts";

// architecture §5.9 for « Mon panier »: where the money of a basket's attempt goes, even late.

/**
 * The invoice a paid basket attempt's money goes on, even when PayFiP's answer comes late
 * (an abandoned page paid after all): the basket being paid; or open again, then invoiced
 * on the page's lines of the days it still holds (days removed since are not paid; days
 * added since move to a basket of their own, same deadline), the payment and the family's
 * credit settling it and any surplus left in credit; or already paid by another attempt
 * (its invoice, which the money then leaves in credit). Null when the basket expired or
 * holds none of the page's days: nothing to record the money on.
 */
async function paidBasketInvoice(
  trx: Trx,
  tenant: Tenant,
  a: { basket_id: string; amount_cents: string | number },
  now: Date,
): Promise<{ invoiceId: string | null; late: boolean }> {
  const k = await lockedBasket(trx, a.basket_id);
  if (!k) throw notFound();
  if (k.state === "paid") return { invoiceId: k.invoice_id, late: true };
  if (k.state !== "open") return { invoiceId: await invoiceBasket(trx, tenant, k.id, now), late: false };
  const held = await trx
    .selectFrom("bookings")
    .select("id")
    .where("basket_id", "=", k.id)
    .where("status", "=", "unpaid")
    .execute();
  const page = new Set(((k.priced ?? []) as PricedLine[]).map((l) => l.ref));
  const lines = ((k.priced ?? []) as PricedLine[]).filter((l) => held.some((b) => b.id === l.ref));
  if (lines.length === 0) return { invoiceId: null, late: false };
  const added = held.filter((b) => !page.has(b.id)).map((b) => b.id);
  if (added.length) await moveToBasket(trx, added, null);
  const total = lines.reduce((s, l) => s + l.amountCents, 0);
  const account = { householdId: k.household_id, regieId: k.regie_id };
  await lockAccount(trx, account);
  const credit = Math.min(Math.max(0, total - Number(a.amount_cents)), await availableCredit(trx, account));
  await trx
    .updateTable("baskets")
    .set({ state: "paying", priced: JSON.stringify(lines), credit_cents: credit })
    .where("id", "=", k.id)
    .execute();
  const invoiceId = await invoiceBasket(trx, tenant, k.id, now);
  if (added.length) await carryOver(trx, k, added, now);
  return { invoiceId, late: false };
}

/** Days added to a basket after the page paid late wait in a basket of their own, same deadline. */
async function carryOver(trx: Trx, k: Selectable<BasketsTable>, bookingIds: string[], now: Date) {
  const next = await trx
    .insertInto("baskets")
    .values({
      tenant_id: k.tenant_id,
      household_id: k.household_id,
      regie_id: k.regie_id,
      created_by: k.created_by,
      expires_at: k.expires_at,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await moveToBasket(trx, bookingIds, next.id);
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
