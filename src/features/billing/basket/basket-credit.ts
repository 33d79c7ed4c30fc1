import type { Transact } from "../../../db/database.ts";
import { availableCredit } from "../payments/credit-ledger.ts";
import { freezeBasket, invoiceBasket, type reopenBasket } from "./basket-payment.ts";
import type { Owner } from "./basket-service.ts";

/**
 * « Valider et payer » when the family's credit (avoirs) in the régie covers the whole
 * basket: no PayFiP page; the basket is frozen with its credit reserved (parent), then
 * invoiced and settled by that credit (jobs persona, who issue invoices). Returns the
 * invoice's id, or null when the credit does not cover the basket (PayFiP pays the rest).
 */
export async function payBasketWithCredit(
  tx: { parent: Transact; jobs: Transact },
  o: Owner,
  basketId: string,
): Promise<string | null> {
  const frozen = await tx
    .parent(async (trx) => {
      const k = await trx
        .selectFrom("baskets")
        .select(["regie_id"])
        .where("id", "=", basketId)
        .where("household_id", "=", o.householdId)
        .executeTakeFirst();
      if (!k || (await availableCredit(trx, { householdId: o.householdId, regieId: k.regie_id })) <= 0)
        return false;
      const { total, credit } = await freezeBasket(trx, o, basketId);
      if (credit < total) throw new CreditShort();
      return true;
    })
    .catch((err) => {
      if (err instanceof CreditShort) return false;
      throw err;
    });
  if (!frozen) return null;
  try {
    return await tx.jobs((trx) => invoiceBasket(trx, o.tenant, basketId, o.now));
  } catch (err) {
    await tx.parent((trx) => reopenBasketById(trx, basketId));
    throw err;
  }
}

/** Thrown to roll back a freeze whose credit turns out short: PayFiP then pays the rest. */
class CreditShort extends Error {}

async function reopenBasketById(trx: Parameters<typeof reopenBasket>[0], basketId: string) {
  await trx
    .updateTable("baskets")
    .set({ state: "open", priced: null, credit_cents: 0 })
    .where("id", "=", basketId)
    .where("state", "=", "paying")
    .execute();
}
