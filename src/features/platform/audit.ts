import type { OperatorSession } from "../../auth/operator-sessions.ts";
import type { Trx } from "../../db/database.ts";

export const asOperator = (o: OperatorSession) => ({
  role: "app_operator" as const,
  tenantId: null,
  userId: o.operatorId,
});

/** Every operator action leaves a line in the platform audit (outside any town's fence). */
export async function auditOperator(
  trx: Trx,
  o: OperatorSession,
  e: { event: string; tenantId: string | null; ip: string; detail?: string | null },
): Promise<void> {
  await trx
    .insertInto("platform_audit")
    .values({
      operator_id: o.operatorId,
      event: e.event,
      target_tenant_id: e.tenantId,
      ip: e.ip,
      detail: e.detail ?? null,
    })
    .execute();
}
