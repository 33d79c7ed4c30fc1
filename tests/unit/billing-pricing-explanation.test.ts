import { describe, expect, it } from "vitest";
import { type DayUnit, priceDays } from "../../src/features/billing/pricing/pricing.ts";
import { explainPricing } from "../../src/features/billing/pricing/pricing-explanation.ts";
import type { Tariff } from "../../src/tenancy/billing-schema.ts";

const alsh: Tariff = {
  service: "alsh",
  from: "2026-09-01",
  brackets: [{ upTo: 700, cents: 900 }, { upTo: 1200, cents: 1300 }, { cents: 1800 }],
  siblingReductionPercent: 20,
  hoursPerBooking: 1,
  lateBookingSurchargeCents: 0,
  lateCancellationSurchargeCents: 0,
};
const day = (childId: string, d: string): DayUnit => ({
  childId,
  service: "alsh",
  day: d,
  label: childId,
  unit: "day",
});

describe("how a price was found", () => {
  it("says the top bracket comes from a QF not yet validated, and that it will be recalculated", () => {
    const units = [day("zoe", "2027-04-13")];
    const h = { qf: null, resident: true };
    expect(priceDays([alsh], units, h)[0]?.unitCents).toBe(1800);
    expect(explainPricing([alsh], units, h)).toEqual([
      "Quotient familial non encore validé par la commune : tarif maximum appliqué (18,00\u00a0€ par jour). Il sera recalculé à la validation de votre attestation.",
    ]);
  });

  it("names the bracket of a validated QF and the sibling reduction when two children share a day", () => {
    const units = [day("zoe", "2027-04-13"), day("theo", "2027-04-13")];
    const h = { qf: 650, resident: true };
    expect(priceDays([alsh], units, h).map((l) => l.amountCents)).toEqual([900, 720]);
    expect(explainPricing([alsh], units, h)).toEqual([
      "Quotient familial 650 validé par la commune : tranche « QF jusqu'à 700 » (9,00\u00a0€ par jour).",
      "Réduction fratrie : 20 % sur le prix du deuxième enfant et des suivants le même jour.",
    ]);
  });

  it("names a middle bracket and residence outside the town", () => {
    expect(explainPricing([alsh], [day("zoe", "2027-04-13")], { qf: 900, resident: true })).toEqual([
      "Quotient familial 900 validé par la commune : tranche « QF de 701 à 1\u202f200 » (13,00\u00a0€ par jour).",
    ]);
    const away = { ...alsh, nonResidentCents: 2100 };
    expect(explainPricing([away], [day("zoe", "2027-04-13")], { qf: 900, resident: false })).toEqual([
      "Foyer domicilié hors de la commune : tarif non-résident (21,00\u00a0€ par jour).",
    ]);
  });
});
