import { sql } from "kysely";
import type { Database } from "../../../../db/database.ts";
import { currentTenant } from "../../../../tenancy/current.ts";
import { findPeriod } from "../../offer/period-service.ts";
import { lockedOffer } from "./offer-answer.ts";
import { promoteWaiting, releasePlace } from "./places.ts";

export interface OfferExpiryJob {
  tenantId: string;
  id: string;
}

/**
 * expire_offer, scheduled at an offered place's deadline: unanswered, the offer lapses
 * (« Expirée ») and the place goes to the next on the waiting list. Returns when to look
 * again if the deadline moved later, or null when done.
 */
export function createOfferExpiryJob(db: Database) {
  return async function expire(job: OfferExpiryJob, now = new Date()): Promise<Date | null> {
    return db.withTenant({ role: "app_jobs", tenantId: job.tenantId }, async (trx) => {
      const b = await lockedOffer(trx, job.id).executeTakeFirst();
      if (b?.status !== "offered" || !b.offer_expires_at) return null;
      if (b.offer_expires_at > now) return b.offer_expires_at;
      await trx
        .updateTable("bookings")
        .set({ status: "expired", holds_place: false, updated_at: sql`now()` })
        .where("id", "=", b.id)
        .execute();
      await releasePlace(trx, b.period_id, b.day);
      const period = await findPeriod(trx, b.period_id);
      if (period) await promoteWaiting(trx, await currentTenant(trx), period, b.day);
      return null;
    });
  };
}
