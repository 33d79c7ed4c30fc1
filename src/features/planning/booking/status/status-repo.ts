import { sql } from "kysely";
import type { Trx } from "../../../../db/database.ts";

/** The SQL of status-service.ts: how billing's baskets change a booking's status. */

/** An unpaid day taken out of its basket: cancelled, its place no longer held. */
export async function cancelUnpaid(trx: Trx, bookingId: string): Promise<void> {
  await trx
    .updateTable("bookings")
    .set({ status: "cancelled", holds_place: false, updated_at: sql`now()` })
    .where("id", "=", bookingId)
    .execute();
}

/** The periods of a basket's unpaid days. */
export function unpaidPeriods(trx: Trx, basketId: string) {
  return trx
    .selectFrom("bookings")
    .select("period_id")
    .distinct()
    .where("basket_id", "=", basketId)
    .where("status", "=", "unpaid")
    .execute();
}

/** A basket's unpaid days of one period, paid: pending where staff review, accepted otherwise. */
export async function confirmUnpaid(
  trx: Trx,
  basketId: string,
  periodId: string,
  review: boolean,
  userId: string,
): Promise<void> {
  await trx
    .updateTable("bookings")
    .set(
      review
        ? { status: "pending", updated_at: sql`now()` }
        : { status: "accepted", decided_by: userId, decided_at: sql`now()`, updated_at: sql`now()` },
    )
    .where("basket_id", "=", basketId)
    .where("period_id", "=", periodId)
    .where("status", "=", "unpaid")
    .execute();
}

/** A basket's unpaid days, expired and their places no longer held; with the child's name. */
export function expireUnpaid(trx: Trx, basketId: string) {
  return trx
    .updateTable("bookings as b")
    .set({ status: "expired", holds_place: false, updated_at: sql`now()` })
    .from("children as c")
    .whereRef("c.id", "=", "b.child_id")
    .where("b.basket_id", "=", basketId)
    .where("b.status", "=", "unpaid")
    .returning(["b.period_id", "b.day", "c.first_name", "c.last_name"])
    .execute();
}

/** The days move to another basket (null: out of any basket). */
export async function setBasket(trx: Trx, bookingIds: string[], basketId: string | null): Promise<void> {
  await trx.updateTable("bookings").set({ basket_id: basketId }).where("id", "in", bookingIds).execute();
}
