import {
  ageOn,
  deadline,
  type IsoDate,
  parisDateTime,
  parisToday,
  publicHoliday,
  shortDate,
  weekday,
} from "../../../lib/dates.ts";
import { schoolHoliday } from "../../../lib/school-holidays.ts";
import type { Period } from "../offer/period-service.ts";

export type Zone = "A" | "B" | "C";

/** Why nobody can come that day: « Férié », a closure, the school holidays, a closed weekday. */
export interface Closed {
  code: "outside" | "weekday" | "holiday" | "closure" | "school_holiday";
  label: string;
}

export function closedOn(period: Period, day: IsoDate, zone: Zone): Closed | null {
  if (day < period.startsOn || day > period.endsOn) return { code: "outside", label: "Hors période" };
  const holiday = publicHoliday(day);
  if (holiday) return { code: "holiday", label: "Férié" };
  const closure = period.closures.find((c) => day >= c.from && day <= c.to);
  if (closure) return { code: "closure", label: closure.label };
  if (period.schoolDaysOnly && schoolHoliday(day, zone))
    return { code: "school_holiday", label: "Vacances scolaires" };
  if (!period.weekdays.includes(weekday(day))) return { code: "weekday", label: "Fermé" };
  return null;
}

export type DayCheck =
  | { ok: true }
  | { ok: false; code: Closed["code"] | "not_open" | "window_closed" | "too_late"; label: string };

/** Whether a day of the period can be booked now, and if not, why (in the parent's words). */
export function bookingCheck(period: Period, day: IsoDate, now: Date, zone: Zone): DayCheck {
  const closed = closedOn(period, day, zone);
  if (closed) return { ok: false, ...closed };
  const today = parisToday(now);
  if (period.bookingOpensOn && today < period.bookingOpensOn)
    return {
      ok: false,
      code: "not_open",
      label: `Réservations ouvertes à partir du ${shortDate(period.bookingOpensOn)}`,
    };
  if (period.bookingClosesOn && today > period.bookingClosesOn)
    return {
      ok: false,
      code: "window_closed",
      label: `Réservations closes depuis le ${shortDate(period.bookingClosesOn)}`,
    };
  const limit = deadline(day, period.rules.noticeDays, period.rules.cutoff);
  if (now >= limit)
    return {
      ok: false,
      code: "too_late",
      label: `Trop tard : il fallait réserver avant le ${parisDateTime(limit)}`,
    };
  return { ok: true };
}

/** A cancellation: free before the limit; after it, refused or billed per the town's rule. */
export type CancelCheck =
  | { kind: "free" }
  | { kind: "late_billed"; limit: Date }
  | { kind: "refused"; label: string };

export function cancelCheck(period: Period, day: IsoDate, now: Date): CancelCheck {
  if (day < parisToday(now))
    return { kind: "refused", label: "Ce jour est passé : il ne peut plus être annulé." };
  const limit = deadline(day, period.rules.cancelNoticeDays, period.rules.cancelCutoff);
  if (now < limit) return { kind: "free" };
  if (period.rules.lateCancellation === "billed") return { kind: "late_billed", limit };
  return {
    kind: "refused",
    label: `Annulation impossible : la limite était le ${parisDateTime(limit)}. Contactez le service.`,
  };
}

/** Why this child may not use the service on that day, or null when they may. */
export function ineligibility(
  child: { birth_date: string; class_level: string | null },
  period: Period,
  day: IsoDate,
): string | null {
  const e = period.service.eligibility;
  const age = ageOn(child.birth_date, day);
  if (e.minAge !== undefined && age < e.minAge) return `Réservé aux enfants de ${e.minAge} ans et plus`;
  if (e.maxAge !== undefined && age > e.maxAge) return `Réservé aux enfants de ${e.maxAge} ans au plus`;
  if (e.levels && !e.levels.includes((child.class_level ?? "").toUpperCase() as never))
    return `Réservé aux classes ${e.levels.join(", ")}`;
  return null;
}

/** The rules as the parent reads them where they book (Sennecey's « Conditions des réservations »). */
export function rulesText(period: Period): string[] {
  const r = period.rules;
  const lines: string[] = [];
  if (period.bookingClosesOn)
    lines.push(`Vous avez jusqu'au ${shortDate(period.bookingClosesOn)} pour valider vos réservations.`);
  lines.push(
    `Vous devez réserver au minimum ${r.noticeDays} jour(s) ouvré(s) avant la date souhaitée. Heure limite : ${r.cutoff}.`,
  );
  lines.push(
    r.lateCancellation === "billed"
      ? `Annulation gratuite jusqu'à ${r.cancelNoticeDays} jour(s) ouvré(s) avant, ${r.cancelCutoff} ; au-delà, le jour reste facturé.`
      : `Annulation possible jusqu'à ${r.cancelNoticeDays} jour(s) ouvré(s) avant, ${r.cancelCutoff}.`,
  );
  lines.push(
    r.acceptance === "review"
      ? "Vos demandes sont validées par le service (état « En attente de traitement » jusque-là)."
      : "Vos réservations sont acceptées immédiatement.",
  );
  if (r.capacity !== null)
    lines.push(
      r.waitingList === "none"
        ? `Places limitées (${r.capacity} par jour).`
        : `Places limitées (${r.capacity} par jour) ; au-delà, inscription sur liste d'attente.`,
    );
  if (r.payment === "at_booking") lines.push("Paiement en ligne à la réservation.");
  return lines;
}
