import { disableHouseholdAccounts } from "../../auth/retention-service.ts";
import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { brandOf } from "../../lib/pdf-brand.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { recordWrite } from "../audit/service.ts";
import { renderMyDataPdf } from "./pdf.ts";
import * as myDataRepo from "./repo.ts";

/** « Mes données »: everything the town holds on the household, as the parent sees it through RLS. */
export async function exportHousehold(trx: Trx, tenant: Tenant, now: Date) {
  const data = await myDataRepo.householdData(trx);
  return {
    format: "parvis-mes-donnees/1",
    exportedAt: now.toISOString(),
    controller: { name: tenant.config.name, contact: tenant.config.contact },
    data,
  };
}

/** The same, as a PDF the parent can read (the JSON file stays the complete copy). */
export async function exportPdf(
  tenant: Tenant,
  exported: Awaited<ReturnType<typeof exportHousehold>>,
  now: Date,
) {
  return renderMyDataPdf(await brandOf(tenant), exported.data, now);
}

export function closureStatus(trx: Trx, householdId: string) {
  return myDataRepo.pendingClosure(trx, householdId);
}

/** « Demander la fermeture de mon compte »: one open request per household (a second is a no-op). */
export async function requestClosure(
  trx: Trx,
  tenant: Tenant,
  parent: { userId: string; householdId: string },
  reason: string | null,
) {
  const id = await myDataRepo.insertClosure(trx, {
    tenantId: tenant.id,
    householdId: parent.householdId,
    requestedBy: parent.userId,
    reason,
  });
  if (!id) return;
  await recordWrite(
    trx,
    tenant.id,
    { kind: "parent", userId: parent.userId },
    {
      householdId: parent.householdId,
      action: "closure_requested",
      entity: "closure_requests",
      entityId: id,
      fields: [],
    },
  );
}

export function pendingClosures(trx: Trx) {
  return myDataRepo.pendingClosures(trx);
}

/**
 * A town admin closes the household's accounts at once (disabled, sessions ended); audited.
 * Unknown or already handled: 404. The file itself stays: the retention job erases it when
 * its time comes, and invoices and payments are kept as public accounting requires.
 */
export async function closeAccount(trx: Trx, tenant: Tenant, staffId: string, requestId: string) {
  const householdId = await myDataRepo.markClosed(trx, requestId, staffId);
  if (!householdId) throw notFound();
  await disableHouseholdAccounts(trx, householdId);
  await recordWrite(
    trx,
    tenant.id,
    { kind: "staff", userId: staffId },
    {
      householdId,
      action: "account_closed",
      entity: "closure_requests",
      entityId: requestId,
      fields: ["disabled_at"],
    },
  );
}
