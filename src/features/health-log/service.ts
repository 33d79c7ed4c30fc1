import type { SessionUser } from "../../auth/sessions.ts";
import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import * as logRepo from "./repo.ts";

/** A staff member saw children's health information: who, when, which child, never the values. */
export function recordStaffView(
  trx: Trx,
  tenant: Tenant,
  s: SessionUser,
  target: { householdId: string; childIds: string[] },
  what: logRepo.Access,
) {
  if (!target.childIds.length) return Promise.resolve();
  const seen = target.childIds.map((childId) => ({ householdId: target.householdId, childId }));
  return recordInTransaction(trx, tenant, s, seen, what);
}

/** The same, inside a transaction the caller already holds as the staff member (pointage, exports). */
export async function recordInTransaction(
  trx: Trx,
  tenant: Tenant,
  s: SessionUser,
  seen: { householdId: string; childId: string }[],
  what: logRepo.Access,
) {
  const viewer = {
    tenant_id: tenant.id,
    viewer_id: s.userId,
    viewer_name: `${s.firstName} ${s.lastName}`,
    what,
  };
  await logRepo.insertMany(trx, viewer, seen);
}

/** The log of one child of a household, as the parent (their own household) or a staff admin. */
export async function childLog(trx: Trx, householdId: string, childId: string) {
  const child = await logRepo.childName(trx, householdId, childId);
  if (!child) throw notFound();
  return { child, rows: await logRepo.forChild(trx, childId) };
}
