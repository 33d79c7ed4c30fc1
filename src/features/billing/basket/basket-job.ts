import { sql } from "kysely";
import { type Database, type Transact, type Trx, townJobs } from "../../../db/database.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import { ATTEMPT_WINDOW_MS } from "../../../integrations/payfip/outcome.ts";
import type { PayfipSettings } from "../../../integrations/payfip/types.ts";
import { longDate } from "../../../lib/dates.ts";
import type { Logger } from "../../../lib/log.ts";
import { currentTenant } from "../../../tenancy/current.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { expireUnpaidDays } from "../../planning/booking/status/status-service.ts";
import { settleAttempt } from "../payments/online/online-payment.ts";
import { failAttempt, liveAttempt, releaseStranded } from "./basket-payment.ts";
import { lockedBasket } from "./basket-service.ts";

/**
 * An open basket past its deadline: its days expire, their places go back (to the waiting
 * list first) and the parent is told. Returns false when the basket was not open.
 */
export async function expireBasket(trx: Trx, tenant: Tenant, basketId: string): Promise<boolean> {
  const k = await lockedBasket(trx, basketId);
  if (k?.state !== "open") return false;
  const days = await expireUnpaidDays(trx, tenant, k.id, k.created_by);
  await trx
    .updateTable("baskets")
    .set({ state: "expired", updated_at: sql`now()` })
    .where("id", "=", k.id)
    .execute();
  if (days.length)
    await notifyHousehold(trx, tenant, k.household_id, {
      template: "billing-basket-expired",
      data: { days: days.map((d) => `${d.first_name} ${d.last_name} : ${longDate(d.day)}`) },
    });
  return true;
}

export interface BasketExpiryJob {
  tenantId: string;
  id: string;
}

// While a payment of the basket may still succeed, look again this much later.
const RECHECK_MS = 5 * 60_000;

/** The basket's state and deadline, its newest attempt still live, and the town. */
function lookAt(tx: Transact, basketId: string) {
  return tx(async (trx) => {
    const basket = await trx
      .selectFrom("baskets")
      .select(["state", "expires_at"])
      .where("id", "=", basketId)
      .executeTakeFirst();
    const attempt = await liveAttempt(trx, basketId);
    return basket && { basket, attempt, tenant: await currentTenant(trx) };
  });
}

/**
 * expire_basket, scheduled at the basket's deadline: a basket being paid has its attempt
 * settled first (PayFiP may have taken the money); only an open basket past its deadline
 * expires. Returns when to look again, or null when the basket is done with.
 */
export function createBasketExpiryJob(db: Database, payfip: PayfipSettings | undefined, log: Logger) {
  return async function expire(job: BasketExpiryJob, now = new Date()): Promise<Date | null> {
    const tx = townJobs(db, job.tenantId);
    const seen = await lookAt(tx, job.id);
    if (!seen || seen.basket.state === "paid" || seen.basket.state === "expired") return null;
    const { basket, attempt, tenant } = seen;
    if (attempt && !attempt.idop && (await tx((t) => releaseStranded(t, job.id, now))))
      return expire(job, now);
    if (basket.expires_at > now) return basket.expires_at;
    const later = new Date(now.getTime() + RECHECK_MS);
    if (attempt?.idop) {
      if (!payfip) return later;
      const state = await settleAttempt(tx, tenant, attempt.idop, payfip, log, now);
      if (state === "paid") return null;
      if (state === "pending") return later;
      // An older attempt (a page abandoned but still payable) is settled before expiring.
      return expire(job, now);
    }
    if (attempt && now.getTime() - attempt.created_at.getTime() < ATTEMPT_WINDOW_MS) return later;
    await tx(async (trx) => {
      // An attempt PayFiP never answered for (no idOp) can no longer be paid.
      if (attempt) await failAttempt(trx, attempt.id, "Aucune réponse de PayFiP.");
      await expireBasket(trx, tenant, job.id);
    });
    return null;
  };
}
