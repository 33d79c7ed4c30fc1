import { eraseHouseholdAccounts, purgeAuthEvents } from "../../auth/retention-service.ts";
import type { Database, Trx } from "../../db/database.ts";
import { queueMail } from "../../integrations/mail/outbox.ts";
import { type IsoDate, longDate, parisToday } from "../../lib/dates.ts";
import type { Logger } from "../../lib/log.ts";
import type { RetentionConfig } from "../../tenancy/config-schema.ts";
import { currentTenant } from "../../tenancy/current.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { purgeAuditLog, recordSystemWrite } from "../audit/system-service.ts";
import { eraseHouseholdChildren, eraseStaleHealthRecords } from "../children/retention-service.ts";
import { eraseHouseholdDocuments } from "../documents/retention-service.ts";
import { purgeHealthAccessLog } from "../health-log/retention-service.ts";
import { eraseHouseholdFile } from "../household/retention-service.ts";
import { detachAbsenceDocuments } from "../planning/absences/retention-service.ts";
import * as retentionRepo from "./retention-repo.ts";

const DAY_MS = 86_400_000;

/** Journals deleted row by row past their time, each by the slice that owns it. */
const JOURNALS = {
  auth_events: purgeAuthEvents,
  health_access_log: purgeHealthAccessLog,
  audit_log: purgeAuditLog,
} as const;
type Journal = keyof typeof JOURNALS;
/** Town admins hear of an erasure this many days before it happens. */
export const NOTICE_DAYS = 30;

/**
 * How long each kind of data is kept, in days, from the town's « Paramètres de la commune »
 * (bounded by CNIL's guidance; the privacy page « Données personnelles » states the same):
 * journals of logins and of health-data reads, the file's audit trail, an inactive household's
 * file. Invoices and payments are never erased here (ten years of public accounting).
 */
export function retentionDays(r: RetentionConfig) {
  const journal = Math.round((r.journalMonths * 365) / 12);
  return {
    auth_events: journal,
    health_access_log: journal,
    audit_log: r.auditYears * 365,
    inactiveHousehold: r.householdYears * 365,
  };
}
type Days = ReturnType<typeof retentionDays>;

export interface RetentionReport {
  town: string;
  purged: Record<Journal, number>;
  erasedHouseholds: number;
  /** Health records of children with nothing in the coming school year, deleted. */
  erasedHealthRecords: number;
  /** Households the admins were told of today (erased in NOTICE_DAYS unless active again). */
  announced: number;
}

const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** The school year under way on `today` (1 September to 31 August): its first day and name. */
export function schoolYearOf(today: IsoDate) {
  const y = Number(today.slice(0, 4));
  const first = today.slice(5) >= "09-01" ? y : y - 1;
  return { start: `${first}-09-01`, name: `${first}-${first + 1}` };
}

/** One town, in one transaction as the jobs persona: everything past its time goes, audited. */
async function applyToTown(db: Database, town: { id: string; slug: string }, now: Date) {
  return db.withTenant({ role: "app_jobs", tenantId: town.id }, async (trx) => {
    const tenant = await currentTenant(trx);
    const days = retentionDays(tenant.config.legal.retention);
    const purged = {} as Record<Journal, number>;
    for (const table of Object.keys(JOURNALS) as Journal[]) {
      purged[table] = await JOURNALS[table](trx, before(now, days[table]));
      if (purged[table]) await audit(trx, town.id, null, "retention_purged", table, []);
    }
    const inactive = await retentionRepo.inactiveHouseholds(trx, before(now, days.inactiveHousehold));
    for (const householdId of inactive) {
      await eraseHousehold(trx, householdId);
      await audit(trx, town.id, householdId, "retention_erased", "households", retentionRepo.ERASED);
    }
    const erasedHealthRecords = await eraseLastYearsHealth(trx, town.id, now);
    const announced = await announce(trx, tenant, days, now);
    return { town: town.slug, purged, erasedHouseholds: inactive.length, erasedHealthRecords, announced };
  });
}

const audit = (
  trx: Trx,
  tenantId: string,
  householdId: string | null,
  action: string,
  entity: string,
  fields: string[],
) => recordSystemWrite(trx, tenantId, { householdId, action, entity, fields });

/**
 * Erases a household's personal file, each part by its owner. What public accounting needs
 * stays: the household's number, name and address on its invoices and payments.
 */
async function eraseHousehold(trx: Trx, householdId: string): Promise<void> {
  await eraseHouseholdAccounts(trx, householdId);
  await detachAbsenceDocuments(trx, householdId);
  await eraseHouseholdDocuments(trx, householdId);
  await eraseHouseholdChildren(trx, householdId);
  await eraseHouseholdFile(trx, householdId);
}

/**
 * Health data is kept at most until the end of the school year of its use: once a year is
 * over, the records of children with nothing in the year under way go, one audit row each.
 */
async function eraseLastYearsHealth(trx: Trx, tenantId: string, now: Date): Promise<number> {
  const year = schoolYearOf(parisToday(now));
  const households = await eraseStaleHealthRecords(trx, year.start, year.name);
  for (const householdId of new Set(households))
    await audit(trx, tenantId, householdId, "retention_erased", "health_records", []);
  return households.length;
}

/**
 * The households that cross, today, the line of « erased in NOTICE_DAYS days »: the town's
 * admins get their numbers by e-mail, once per household and due date (a second run that day
 * finds them noticed already).
 */
async function announce(trx: Trx, tenant: Tenant, days: Days, now: Date): Promise<number> {
  const line = days.inactiveHousehold - NOTICE_DAYS;
  const crossing = new Set(await retentionRepo.inactiveHouseholds(trx, before(now, line)));
  for (const id of await retentionRepo.inactiveHouseholds(trx, before(now, line + 1))) crossing.delete(id);
  const dueOn = parisToday(new Date(now.getTime() + NOTICE_DAYS * DAY_MS));
  const fresh = await retentionRepo.recordNotices(trx, tenant.id, [...crossing], dueOn);
  if (!fresh.length) return 0;
  const numbers = await retentionRepo.householdNumbers(trx, fresh);
  for (const admin of await retentionRepo.admins(trx))
    await queueMail(trx, tenant, {
      to: admin.email,
      template: "retention-notice",
      data: { name: admin.name, numbers, day: longDate(dueOn) },
    });
  return fresh.length;
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
