import { type Database, townJobs } from "../../../../db/database.ts";
import type { Logger } from "../../../../lib/log.ts";
import { checkAccounts } from "./accounts-check.ts";

/**
 * check_accounts, nightly: « Contrôle des comptes » for every active town, as the jobs
 * persona; each exception is logged (rule and ids only) for staff to open the page.
 */
export function createAccountsCheckJob(db: Database, log: Logger) {
  return async function check(): Promise<number> {
    const towns = await db.withTenant({ role: "app_operator", tenantId: null }, (trx) =>
      trx.selectFrom("tenants").select(["id", "slug"]).where("status", "=", "active").execute(),
    );
    let total = 0;
    for (const town of towns) {
      const found = await townJobs(db, town.id)(checkAccounts);
      for (const e of found)
        log.warn(
          { tenant: town.slug, rule: e.rule, invoice: e.invoiceId, booking: e.bookingId },
          "accounts check",
        );
      total += found.length;
    }
    return total;
  };
}
