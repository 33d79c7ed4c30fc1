import type { Trx } from "../../../db/database.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { householdPricing, tariffs } from "./billable.ts";
import { type DayUnit, euros, priceDays } from "./pricing.ts";
import { explainPricing } from "./pricing-explanation.ts";

/**
 * The price of days about to be booked (the wizard's récapitulatif): the household's
 * bracket, residence and sibling reduction, as the invoicing run will price them, and the
 * sentences that say so.
 * `byRef` gives each unit's amount (with its surcharges); null when no tariff applies.
 */
export async function estimate(trx: Trx, tenant: Tenant, householdId: string, units: DayUnit[]) {
  const h = (await householdPricing(trx, tenant, [householdId])).get(householdId);
  const all = await tariffs(trx);
  const lines = h ? priceDays(all, units, h) : [];
  const byRef = new Map<string, number>();
  for (const l of lines) if (l.ref) byRef.set(l.ref, (byRef.get(l.ref) ?? 0) + l.amountCents);
  const totalCents = lines.reduce((s, l) => s + l.amountCents, 0);
  return {
    priced: lines.length > 0,
    price: (ref: string) => {
      const cents = byRef.get(ref);
      return cents === undefined ? null : euros(cents);
    },
    total: euros(totalCents),
    /** How the prices were found (bracket and why, residence, sibling reduction). */
    explanation: h && lines.length ? explainPricing(all, units, h) : [],
  };
}
