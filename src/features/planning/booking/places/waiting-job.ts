import type { Database } from "../../../../db/database.ts";
import { currentTenant } from "../../../../tenancy/current.ts";
import { findPeriod } from "../../offer/period-service.ts";
import { promoteWaiting } from "./places.ts";

export interface PlaceReleaseJob {
  tenantId: string;
  id: string;
}

/**
 * The promote_waiting job: a parent freed a place; the first on that day's waiting list
 * gets it. Runs as the jobs persona, in the town of the release only.
 */
export function createWaitingListJob(db: Database) {
  return async function promote(job: PlaceReleaseJob): Promise<void> {
    await db.withTenant({ role: "app_jobs", tenantId: job.tenantId }, async (trx) => {
      const release = await trx
        .deleteFrom("place_releases")
        .where("id", "=", job.id)
        .returning(["period_id", "day"])
        .executeTakeFirst();
      if (!release) return;
      const tenant = await currentTenant(trx);
      const period = await findPeriod(trx, release.period_id);
      if (period) await promoteWaiting(trx, tenant, period, release.day);
    });
  };
}
