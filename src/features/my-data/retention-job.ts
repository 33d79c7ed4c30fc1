import type { Database, Trx } from "../../db/database.ts";
import { queueMail } from "../../integrations/mail/outbox.ts";
import { longDate, parisToday } from "../../lib/dates.ts";
import type { Logger } from "../../lib/log.ts";
import { currentTenant } from "../../tenancy/current.ts";
import * as retentionRepo from "./retention-repo.ts";

const DAY_MS = 86_400_000;
/** Town admins hear of an erasure this many days before it happens. */
export const NOTICE_DAYS = 30;

/**
 * How long each kind of data is kept (CNIL guidance for « portail famille »; the privacy page
 * « Données personnelles » states the same): journals of logins and of health-data reads one
 * year, the file's audit trail and an inactive household's file three years. Invoices and
 * payments are never erased here (ten years of public accounting, settled with the treasury).
 */
export const RETENTION_DAYS = {
  auth_events: 365,
  health_access_log: 365,
  audit_log: 3 * 365,
  inactiveHousehold: 3 * 365,
} as const;

export interface RetentionReport {
  town: string;
  purged: Record<retentionRepo.Journal, number>;
  erasedHouseholds: number;
  /** Households the admins were told of today (erased in NOTICE_DAYS unless active again). */
  announced: number;
}

const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** One town, in one transaction as the jobs persona: everything past its time goes, audited. */
async function applyToTown(db: Database, town: { id: string; slug: string }, now: Date) {
  return db.withTenant({ role: "app_jobs", tenantId: town.id }, async (trx) => {
    const purged = {} as Record<retentionRepo.Journal, number>;
    for (const table of Object.keys(retentionRepo.JOURNALS) as retentionRepo.Journal[]) {
      purged[table] = await retentionRepo.purgeJournal(trx, table, before(now, RETENTION_DAYS[table]));
      if (purged[table])
        await retentionRepo.audit(trx, town.id, {
          householdId: null,
          action: "retention_purged",
          entity: table,
          fields: [],
        });
    }
    const inactive = await retentionRepo.inactiveHouseholds(
      trx,
      before(now, RETENTION_DAYS.inactiveHousehold),
    );
    for (const householdId of inactive) {
      await retentionRepo.eraseHousehold(trx, householdId);
      await retentionRepo.audit(trx, town.id, {
        householdId,
        action: "retention_erased",
        entity: "households",
        fields: retentionRepo.ERASED,
      });
    }
    const announced = await announce(trx, now);
    return { town: town.slug, purged, erasedHouseholds: inactive.length, announced };
  });
}

/**
 * The households that cross, today, the line of « erased in NOTICE_DAYS days » (the job runs
 * daily, so each is announced once): the town's admins get their numbers by e-mail.
 */
async function announce(trx: Trx, now: Date): Promise<number> {
  const days = RETENTION_DAYS.inactiveHousehold - NOTICE_DAYS;
  const crossing = new Set(await retentionRepo.inactiveHouseholds(trx, before(now, days)));
  for (const id of await retentionRepo.inactiveHouseholds(trx, before(now, days + 1))) crossing.delete(id);
  if (!crossing.size) return 0;
  const numbers = await retentionRepo.householdNumbers(trx, [...crossing]);
  const tenant = await currentTenant(trx);
  const day = longDate(parisToday(new Date(now.getTime() + NOTICE_DAYS * DAY_MS)));
  for (const admin of await retentionRepo.admins(trx))
    await queueMail(trx, tenant, {
      to: admin.email,
      template: "retention-notice",
      data: { name: admin.name, numbers, day },
    });
  return crossing.size;
}

/** apply_retention, nightly, for every active town; each town's counts go to the log. */
export function createRetentionJob(db: Database, log: Logger) {
  return async function applyRetention(now: Date): Promise<RetentionReport[]> {
    const towns = await db.withTenant({ role: "app_operator", tenantId: null }, (trx) =>
      trx.selectFrom("tenants").select(["id", "slug"]).where("status", "=", "active").execute(),
    );
    const reports: RetentionReport[] = [];
    for (const town of towns) {
      const report = await applyToTown(db, town, now);
      log.info({ tenant: town.slug, ...report }, "retention applied");
      reports.push(report);
    }
    return reports;
  };
}
