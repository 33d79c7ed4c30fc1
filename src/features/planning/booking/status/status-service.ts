import type { Trx } from "../../../../db/database.ts";
import type { Tenant } from "../../../../tenancy/resolve.ts";
import type { Actor } from "../../../audit/service.ts";
import { findPeriod } from "../../offer/period-service.ts";
import { freePlace } from "../cancel-service.ts";
import { promoteWaiting, releasePlace } from "../places/places.ts";
import * as repo from "./status-repo.ts";

/**
 * The booking-status API billing calls: planning is the only writer of bookings and places,
 * and « Mon panier » changes a day's status only through these functions, in its own
 * transaction `trx` (a day paid, cancelled from the basket, expired, moved between baskets).
 */

/** The error a refused day raises; billing's basket raises it too, shown by the wizard. */
export { PlanningError } from "../../common/errors.ts";

/**
 * Frees a day's place: a parent's goes to the waiting list through the job (place_releases),
 * the jobs persona's own expiry serves the waiting list at once.
 */
export async function freeDay(trx: Trx, tenant: Tenant, actor: Actor, periodId: string, day: string) {
  if (actor.kind !== "system") return freePlace(trx, { tenant, actor }, periodId, day);
  await releasePlace(trx, periodId, day);
  const period = await findPeriod(trx, periodId);
  if (period) await promoteWaiting(trx, tenant, period, day);
}

/** « Annuler » on a basket's line: the unpaid day is cancelled and its place freed. */
export async function cancelUnpaidDay(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  day: { id: string; period_id: string; day: string },
) {
  await repo.cancelUnpaid(trx, day.id);
  await freeDay(trx, tenant, actor, day.period_id, day.day);
}

/** A paid basket's days leave « En attente de paiement »: accepted, or pending where staff review. */
export async function confirmPaidDays(trx: Trx, basketId: string, userId: string) {
  for (const { period_id } of await repo.unpaidPeriods(trx, basketId)) {
    const review = (await findPeriod(trx, period_id))?.rules.acceptance === "review";
    await repo.confirmUnpaid(trx, basketId, period_id, review, userId);
  }
}

/**
 * A basket past its deadline: its unpaid days expire, in date order their places go back
 * (to the waiting list first). Returns the days with the child's name, for the e-mail.
 */
export async function expireUnpaidDays(trx: Trx, tenant: Tenant, basketId: string, createdBy: string) {
  const days = await repo.expireUnpaid(trx, basketId);
  days.sort((a, b) => a.day.localeCompare(b.day));
  for (const d of days) await freeDay(trx, tenant, { kind: "system", userId: createdBy }, d.period_id, d.day);
  return days;
}

/** Unpaid days move to another basket, or out of any (null). */
export async function moveToBasket(trx: Trx, bookingIds: string[], basketId: string | null) {
  await repo.setBasket(trx, bookingIds, basketId);
}
