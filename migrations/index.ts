import type { Migration } from "kysely";
import * as foundation from "./2026-11-22T0600_foundation.ts";
import * as outboxQueue from "./2026-11-22T0601_outbox-queue.ts";
import * as householdFile from "./2026-11-22T0700_household-file.ts";
import * as documents from "./2026-11-22T0701_documents.ts";
import * as preregistrations from "./2026-11-22T0702_preregistrations.ts";
import * as planning from "./2026-11-22T0800_planning.ts";
import * as billing from "./2026-11-22T0900_billing.ts";
import * as payfipAttempts from "./2026-11-22T0901_payfip-attempts.ts";
import * as baskets from "./2026-11-22T0902_baskets.ts";
import * as loginSecret from "./2026-12-06T0900_login-secret.ts";
import * as ledger from "./2026-12-06T1000_ledger.ts";
import * as invoicingComplementary from "./2026-12-06T1100_invoicing-complementary.ts";
import * as schoolHolidays from "./2026-12-06T1101_school-holidays.ts";
import * as townConsole from "./2026-12-06T1300_town-console.ts";
import * as messages from "./2026-12-06T1400_messages.ts";
import * as news from "./2026-12-06T1401_news.ts";
import * as outboxBatchEnqueue from "./2026-12-06T1402_outbox-batch-enqueue.ts";
import * as enrolments from "./2026-12-06T1500_enrolments.ts";
import * as schoolEnrolment from "./2026-12-06T1501_school-enrolment.ts";
import * as updateCampaigns from "./2026-12-06T1502_update-campaigns.ts";
import * as knownDevices from "./2026-12-06T1600_known-devices.ts";
import * as healthAccessLog from "./2026-12-06T1601_health-access-log.ts";
import * as jobsOpenBaskets from "./2026-12-06T1700_jobs-open-baskets.ts";
import * as homeVisits from "./2026-12-06T1710_home-visits.ts";
import * as schoolCalendar20272028 from "./2026-12-06T1711_school-calendar-2027-2028.ts";
import * as supportWrites from "./2026-12-06T1720_support-writes.ts";
import * as schoolDocuments from "./2026-12-06T1730_school-documents.ts";
import * as closureRequests from "./2026-12-06T1740_closure-requests.ts";
import * as retention from "./2026-12-06T1741_retention.ts";
import * as secondFactor from "./2026-12-06T1742_second-factor.ts";
import * as invoicingJobs from "./2026-12-06T1800_invoicing-jobs.ts";
import * as dossierNumbers from "./2026-12-06T1801_dossier-numbers.ts";
import * as retentionNotices from "./2026-12-06T1900_retention-notices.ts";
import * as operatorSecondFactor from "./2026-12-06T2000_operator-second-factor.ts";
import * as passkeys from "./2026-12-06T2001_passkeys.ts";
import * as operatorPasskeys from "./2026-12-06T2002_operator-passkeys.ts";
import * as invoiceLinesTenantFk from "./2026-12-06T2003_invoice-lines-tenant-fk.ts";
import * as invoiceRunDeferrable from "./2026-12-06T2004_invoice-run-deferrable.ts";

/** Every migration, by name; names sort in the order they apply. Add new ones here. */
export const migrations: Record<string, Migration> = {
  "2026-11-22T0600_foundation": foundation,
  "2026-11-22T0601_outbox-queue": outboxQueue,
  "2026-11-22T0700_household-file": householdFile,
  "2026-11-22T0701_documents": documents,
  "2026-11-22T0702_preregistrations": preregistrations,
  "2026-11-22T0800_planning": planning,
  "2026-11-22T0900_billing": billing,
  "2026-11-22T0901_payfip-attempts": payfipAttempts,
  "2026-11-22T0902_baskets": baskets,
  "2026-12-06T0900_login-secret": loginSecret,
  "2026-12-06T1000_ledger": ledger,
  "2026-12-06T1100_invoicing-complementary": invoicingComplementary,
  "2026-12-06T1101_school-holidays": schoolHolidays,
  "2026-12-06T1300_town-console": townConsole,
  "2026-12-06T1400_messages": messages,
  "2026-12-06T1401_news": news,
  "2026-12-06T1402_outbox-batch-enqueue": outboxBatchEnqueue,
  "2026-12-06T1500_enrolments": enrolments,
  "2026-12-06T1501_school-enrolment": schoolEnrolment,
  "2026-12-06T1502_update-campaigns": updateCampaigns,
  "2026-12-06T1600_known-devices": knownDevices,
  "2026-12-06T1601_health-access-log": healthAccessLog,
  "2026-12-06T1700_jobs-open-baskets": jobsOpenBaskets,
  "2026-12-06T1710_home-visits": homeVisits,
  "2026-12-06T1711_school-calendar-2027-2028": schoolCalendar20272028,
  "2026-12-06T1720_support-writes": supportWrites,
  "2026-12-06T1730_school-documents": schoolDocuments,
  "2026-12-06T1740_closure-requests": closureRequests,
  "2026-12-06T1741_retention": retention,
  "2026-12-06T1742_second-factor": secondFactor,
  "2026-12-06T1800_invoicing-jobs": invoicingJobs,
  "2026-12-06T1801_dossier-numbers": dossierNumbers,
  "2026-12-06T1900_retention-notices": retentionNotices,
  "2026-12-06T2000_operator-second-factor": operatorSecondFactor,
  "2026-12-06T2001_passkeys": passkeys,
  "2026-12-06T2002_operator-passkeys": operatorPasskeys,
  "2026-12-06T2003_invoice-lines-tenant-fk": invoiceLinesTenantFk,
  "2026-12-06T2004_invoice-run-deferrable": invoiceRunDeferrable,
};
