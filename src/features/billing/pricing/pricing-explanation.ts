import type { Tariff } from "../../../tenancy/billing-schema.ts";
import { bracketOf, type DayUnit, euros, type Household, tariffOn } from "./pricing.ts";

const UNIT: Record<string, string> = {
  day: "jour",
  half_day: "demi-journée",
  meal: "repas",
  hour: "heure",
  flat: "période",
};

/** « QF jusqu'à 600 », « QF de 601 à 1 200 », « QF au-delà de 1 200 ». */
export function bracketLabel(t: Tariff, i: number): string {
  const n = (v: number) => v.toLocaleString("fr-FR");
  const upTo = t.brackets[i]?.upTo;
  const below = i > 0 ? t.brackets[i - 1]?.upTo : undefined;
  if (below === undefined) return upTo === undefined ? "tarif unique" : `QF jusqu'à ${n(upTo)}`;
  return upTo === undefined ? `QF au-delà de ${n(below)}` : `QF de ${n(below + 1)} à ${n(upTo)}`;
}

function bracketSentence(t: Tariff, h: Household, unit: string): string {
  const i = bracketOf(t, h.qf);
  const price = `${euros((t.brackets[i] as { cents: number }).cents)} par ${unit}`;
  if (t.brackets.length === 1) return `Tarif unique : ${price}.`;
  if (h.qf === null) {
    const max =
      i === t.brackets.length - 1 ? "tarif maximum appliqué" : `tranche « ${bracketLabel(t, i)} » appliquée`;
    return `Quotient familial non encore validé par la commune : ${max} (${price}). Il sera recalculé à la validation de votre attestation.`;
  }
  return `Quotient familial ${h.qf.toLocaleString("fr-FR")} validé par la commune : tranche « ${bracketLabel(t, i)} » (${price}).`;
}

/**
 * How each price was found, in the family's words: the bracket and why, residence, the
 * sibling reduction. One sentence per fact, for every service of the priced days.
 */
export function explainPricing(tariffs: Tariff[], units: DayUnit[], h: Household): string[] {
  const out: string[] = [];
  const done = new Set<Tariff>();
  for (const u of units) {
    const t = tariffOn(tariffs, u.service, u.day);
    if (!t || done.has(t)) continue;
    done.add(t);
    const unit = UNIT[u.unit ?? "day"] ?? "jour";
    if (!h.resident && t.nonResidentCents !== undefined)
      out.push(
        `Foyer domicilié hors de la commune : tarif non-résident (${euros(t.nonResidentCents)} par ${unit}).`,
      );
    else out.push(bracketSentence(t, h, unit));
    if (t.siblingReductionPercent > 0 && siblingsShareADay(units, u.service))
      out.push(
        `Réduction fratrie : ${t.siblingReductionPercent} % sur le prix du deuxième enfant et des suivants le même jour.`,
      );
  }
  return out;
}

function siblingsShareADay(units: DayUnit[], service: string): boolean {
  const seen = new Map<string, string>();
  for (const u of units) {
    if (u.service !== service) continue;
    const key = u.unit === "flat" ? `flat|${u.period}` : u.day;
    const other = seen.get(key);
    if (other !== undefined && other !== u.childId) return true;
    seen.set(key, u.childId);
  }
  return false;
}
