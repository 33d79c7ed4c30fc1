import type { Trx } from "../../../db/database.ts";
import { parisToday } from "../../../lib/dates.ts";
import type { Tariff } from "../../../tenancy/billing-schema.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import {
  bracketOf,
  euros,
  type Household,
  householdPricing,
  tariffOn,
  tariffs,
  unitPrice,
} from "../../billing/pricing/pricing-service.ts";
import { ineligibility } from "../../planning/booking/booking-service.ts";
import { householdChildren } from "../../planning/common/children-service.ts";
import { allPeriods, type Period } from "../../planning/offer/period-service.ts";

const UNITS: Record<string, string> = {
  day: "par jour",
  half_day: "par demi-journée",
  meal: "par repas",
  hour: "par heure",
  flat: "forfait par période",
};

/** The bracket in the parent's words: « Tranche 2 : QF de 501 à 900 ». */
function bracketLabel(t: Tariff, i: number): string {
  const low = i === 0 ? 0 : (t.brackets[i - 1]?.upTo ?? 0) + 1;
  const high = t.brackets[i]?.upTo;
  const range = high === undefined ? `QF à partir de ${low}` : `QF de ${low} à ${high}`;
  return t.brackets.length === 1 ? "Tarif unique" : `Tranche ${i + 1} : ${range}`;
}

/** Why this price: the QF proven or not, the residence, the reductions. */
function reasons(t: Tariff, h: Household): string[] {
  const out: string[] = [];
  if (!h.resident && t.nonResidentCents !== undefined)
    out.push("Tarif hors commune : votre adresse n'est pas dans la commune.");
  else if (h.qf === null)
    out.push(
      "Aucune attestation QF validée : la tranche appliquée est celle des dossiers sans justificatif.",
    );
  else out.push(`Quotient familial retenu : ${h.qf} (attestation validée).`);
  if (t.siblingReductionPercent > 0)
    out.push(`Réduction de ${t.siblingReductionPercent} % à partir du 2e enfant inscrit le même jour.`);
  if (t.lateBookingSurchargeCents > 0)
    out.push(`Majoration réservation tardive : ${euros(t.lateBookingSurchargeCents)}.`);
  return out;
}

/** « Mes tarifs »: for each child, the price per service in force today, with its bracket and why. */
export async function myTariffs(trx: Trx, tenant: Tenant, householdId: string, now: Date) {
  const today = parisToday(now);
  const household = (await householdPricing(trx, tenant, [householdId])).get(householdId);
  const all = await tariffs(trx);
  const services = new Map<string, Period>();
  for (const p of await allPeriods(trx))
    if (p.endsOn >= today && !services.has(p.service.key)) services.set(p.service.key, p);
  return (await householdChildren(trx, householdId)).map((c) => ({
    name: `${c.first_name} ${c.last_name}`,
    rows: [...services.values()].flatMap((p) => {
      const t = tariffOn(all, p.service.key, today);
      if (!t || !household || ineligibility(c, p, today)) return [];
      return [
        {
          service: `${p.facility.name} › ${p.service.name}`,
          price: `${euros(unitPrice(t, household))} ${UNITS[p.service.unit] ?? ""}`.trim(),
          bracket:
            !household.resident && t.nonResidentCents !== undefined
              ? "Hors commune"
              : bracketLabel(t, bracketOf(t, household.qf)),
          residence: household.resident ? "Résident" : "Hors commune",
          reasons: reasons(t, household),
        },
      ];
    }),
  }));
}
