import type { AccountDeps } from "../../../auth/account-service.ts";
import type { Database } from "../../../db/database.ts";
import { switchPersona, type Trx } from "../../../db/database.ts";
import type { Env } from "../../../env.ts";
import { publicOrigin } from "../../../env.ts";
import type { Logger } from "../../../lib/log.ts";
import { currentTenant } from "../../../tenancy/current.ts";
import type { Actor } from "../../audit/service.ts";
import { asOperator, auditOperator } from "../audit.ts";
import type { Who } from "./towns-service.ts";

export interface InTown {
  trx: Trx;
  d: AccountDeps;
  actor: Actor;
}

/**
 * Runs `fn` in one town's context for an operator managing its staff accounts (never its
 * families): the action is audited in the platform audit first, then the transaction switches
 * to the town's staff persona, so the town's own fences apply to what follows.
 */
export function inTownAsOperator<T>(
  ctx: { db: Database; env: Env; log: Logger },
  w: Who,
  tenantId: string,
  event: string | null,
  fn: (t: InTown) => Promise<T>,
): Promise<T> {
  return ctx.db.withTenant(asOperator(w.op), async (trx) => {
    if (event) await auditOperator(trx, w.op, { event, tenantId, ip: w.ip });
    await switchPersona(trx, { role: "app_staff", tenantId });
    const tenant = await currentTenant(trx);
    const d: AccountDeps = {
      db: ctx.db,
      log: ctx.log,
      tenant,
      origin: publicOrigin(ctx.env, `${tenant.slug}.${ctx.env.PLATFORM_DOMAIN}`),
      ip: w.ip,
    };
    return fn({ trx, d, actor: { kind: "operator", userId: w.op.operatorId } });
  });
}
