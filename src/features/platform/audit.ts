import type { OperatorSession } from "../../auth/operator-sessions.ts";
import type { Trx } from "../../db/database.ts";

export const asOperator = (o: OperatorSession) => ({
  role: "app_operator" as const,
  tenantId: null,
  userId: o.operatorId,
});

export interface PlatformEvent {
  event: string;
  /** The town the action concerns; none for the console's own sign-in events. */
  tenantId?: string | null;
  ip: string;
  detail?: string | null;
}

/**
 * One line of the platform audit (outside any town's fence), in the caller's transaction. The
 * operator is null only for a sign-in that names no known operator.
 */
export async function recordPlatformEvent(
  trx: Trx,
  operatorId: string | null,
  e: PlatformEvent,
): Promise<void> {
  await trx
    .insertInto("platform_audit")
    .values({
      operator_id: operatorId,
      event: e.event,
      target_tenant_id: e.tenantId ?? null,
      ip: e.ip,
      detail: e.detail ?? null,
    })
    .execute();
}

/** Every operator action leaves a line in the platform audit. */
export const auditOperator = (trx: Trx, o: OperatorSession, e: PlatformEvent) =>
  recordPlatformEvent(trx, o.operatorId, e);
