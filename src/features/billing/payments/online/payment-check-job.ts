import { type Database, townJobs } from "../../../../db/database.ts";
import type { PayfipSettings } from "../../../../integrations/payfip/types.ts";
import type { Logger } from "../../../../lib/log.ts";
import { currentTenant } from "../../../../tenancy/current.ts";
import { releaseStranded } from "../../basket/basket-payment.ts";
import { settleAttempt } from "./online-payment.ts";

export interface PaymentCheckJob {
  tenantId: string;
  id: string;
  round: number;
}

// Minutes before each next look at a pending attempt: a result may come hours later (docs/payfip.md §2).
const BACKOFF_MINUTES = [10, 30, 60, 180, 720, 1440, 2880, 5760];

/**
 * check_payment: polls an attempt that neither the return nor the notification settled.
 * Returns when to look again (null: settled, or given up after about a week).
 */
export function createPaymentCheckJob(db: Database, payfip: PayfipSettings, log: Logger) {
  return async function check(job: PaymentCheckJob): Promise<Date | null> {
    const tx = townJobs(db, job.tenantId);
    const found = await tx(async (trx) => {
      const attempt = await trx
        .selectFrom("payment_attempts")
        .select(["idop", "state", "basket_id"])
        .where("id", "=", job.id)
        .executeTakeFirst();
      return attempt && { attempt, tenant: await currentTenant(trx) };
    });
    const basketId = found?.attempt.basket_id;
    // Never given an idOp (its process died during the create call): its basket is paid again.
    if (found && !found.attempt.idop && basketId)
      await tx((trx) => releaseStranded(trx, basketId, new Date()));
    if (!found?.attempt.idop || !["created", "pending"].includes(found.attempt.state)) return null;
    const state = await settleAttempt(tx, found.tenant, found.attempt.idop, payfip, log);
    const wait = BACKOFF_MINUTES[job.round];
    if (state !== "pending" || wait === undefined) return null;
    return new Date(Date.now() + wait * 60_000);
  };
}
