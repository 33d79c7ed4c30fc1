import { sql } from "kysely";
import type { Trx } from "../../../../db/database.ts";
import { notFound } from "../../../../http/errors.ts";
import { recordWrite } from "../../../audit/service.ts";
import { billing } from "../../billing-port.ts";
import { PlanningError } from "../../common/errors.ts";
import { findPeriod } from "../../offer/period-service.ts";
import type { PlanningContext } from "../booking-service.ts";
import { cancel } from "../cancel-service.ts";

/**
 * « Accepter la place »: a place offered from the waiting list becomes the household's
 * booking, accepted at once or awaiting the town's review as the period's rules say; in a
 * service paid at booking it joins « Mon panier » with the basket's deadline (issue 10).
 * The place is already held for them until the offer's deadline.
 */
export async function acceptOffer(trx: Trx, ctx: PlanningContext, bookingId: string) {
  const b = await offered(trx, ctx, bookingId);
  const period = await findPeriod(trx, b.period_id);
  if (!period) throw notFound();
  const basketId =
    period.rules.payment === "at_booking"
      ? await billing().basketFor(trx, { ...ctx, userId: ctx.actor.userId }, period.service.id)
      : null;
  const status = basketId ? "unpaid" : period.rules.acceptance === "review" ? "pending" : "accepted";
  await trx
    .updateTable("bookings")
    .set({
      status,
      basket_id: basketId,
      offer_expires_at: null,
      decided_by: status === "accepted" ? ctx.actor.userId : null,
      decided_at: status === "accepted" ? sql<Date>`now()` : null,
      updated_at: sql`now()`,
    })
    .where("id", "=", b.id)
    .execute();
  await recordWrite(trx, ctx.tenant.id, ctx.actor, {
    householdId: ctx.householdId,
    action: "update",
    entity: "bookings",
    entityId: b.id,
    fields: ["status"],
  });
  return status;
}

/** « Refuser la place »: the offered place is cancelled like any booking, and goes to the next in line. */
export async function declineOffer(trx: Trx, ctx: PlanningContext, bookingId: string, key: string) {
  await offered(trx, ctx, bookingId);
  return cancel(trx, ctx, { bookingIds: [bookingId], idempotencyKey: key, confirmLate: true });
}

/** A booking with what its offer's answer or expiry reads, locked: the parent and the job may race. */
export function lockedOffer(trx: Trx, bookingId: string) {
  return trx
    .selectFrom("bookings")
    .select(["id", "status", "period_id", "day", "offer_expires_at"])
    .where("id", "=", bookingId)
    .forUpdate();
}

async function offered(trx: Trx, ctx: PlanningContext, bookingId: string) {
  const b = await lockedOffer(trx, bookingId)
    .where("household_id", "=", ctx.householdId)
    .executeTakeFirstOrThrow(notFound);
  if (b.status !== "offered") throw new PlanningError([{ message: "Cette place n'est plus proposée." }]);
  if (b.offer_expires_at && b.offer_expires_at <= ctx.now)
    throw new PlanningError([
      {
        message: "Le délai pour accepter cette place est dépassé : elle est proposée à la famille suivante.",
      },
    ]);
  return b;
}
