import { disableHouseholdAccounts } from "../../auth/retention-service.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import type { Database } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { brandOf } from "../../lib/pdf-brand.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { recordWrite } from "../audit/service.ts";
import { renderMyDataPdf } from "./pdf.ts";
import * as myDataRepo from "./repo.ts";

function parentCtx(tenant: Tenant, s: SessionUser) {
  if (!s.householdId) throw notFound();
  return { role: "app_parent" as const, tenantId: tenant.id, userId: s.userId, householdId: s.householdId };
}

/** « Mes données »: everything the town holds on the household, as the parent sees it through RLS. */
export async function exportHousehold(db: Database, tenant: Tenant, s: SessionUser, now: Date) {
  const data = await db.withTenant(parentCtx(tenant, s), (trx) => myDataRepo.householdData(trx));
  return {
    format: "parvis-mes-donnees/1",
    exportedAt: now.toISOString(),
    controller: { name: tenant.config.name, contact: tenant.config.contact },
    data,
  };
}

/** The same, as a PDF the parent can read (the JSON file stays the complete copy). */
export async function exportHouseholdPdf(db: Database, tenant: Tenant, s: SessionUser, now: Date) {
  const { data } = await exportHousehold(db, tenant, s, now);
  return renderMyDataPdf(await brandOf(tenant), data, now);
}

export function closureStatus(db: Database, tenant: Tenant, s: SessionUser) {
  const ctx = parentCtx(tenant, s);
  return db.withTenant(ctx, (trx) => myDataRepo.pendingClosure(trx, ctx.householdId));
}

/** « Demander la fermeture de mon compte »: one open request per household (a second is a no-op). */
export function requestClosure(db: Database, tenant: Tenant, s: SessionUser, reason: string | null) {
  const ctx = parentCtx(tenant, s);
  return db.withTenant(ctx, async (trx) => {
    const id = await myDataRepo.insertClosure(trx, {
      tenantId: tenant.id,
      householdId: ctx.householdId,
      requestedBy: s.userId,
      reason,
    });
    if (!id) return;
    await recordWrite(
      trx,
      tenant.id,
      { kind: "parent", userId: s.userId },
      {
        householdId: ctx.householdId,
        action: "closure_requested",
        entity: "closure_requests",
        entityId: id,
        fields: [],
      },
    );
  });
}

const staffCtx = (tenant: Tenant, s: SessionUser) => ({
  role: "app_staff" as const,
  tenantId: tenant.id,
  userId: s.userId,
});

export function pendingClosures(db: Database, tenant: Tenant, s: SessionUser) {
  return db.withTenant(staffCtx(tenant, s), (trx) => myDataRepo.pendingClosures(trx));
}

/**
 * A town admin closes the household's accounts at once (disabled, sessions ended); audited.
 * Unknown or already handled: 404. The file itself stays: the retention job erases it when
 * its time comes, and invoices and payments are kept as public accounting requires.
 */
export function closeAccount(db: Database, tenant: Tenant, s: SessionUser, requestId: string) {
  return db.withTenant(staffCtx(tenant, s), async (trx) => {
    const householdId = await myDataRepo.markClosed(trx, requestId, s.userId);
    if (!householdId) throw notFound();
    await disableHouseholdAccounts(trx, householdId);
    await recordWrite(
      trx,
      tenant.id,
      { kind: "staff", userId: s.userId },
      {
        householdId,
        action: "account_closed",
        entity: "closure_requests",
        entityId: requestId,
        fields: ["disabled_at"],
      },
    );
  });
}
