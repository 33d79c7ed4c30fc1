import type { Context } from "hono";
import type { Trx } from "../../db/database.ts";
import { callerHousehold, callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import type { Actor } from "../audit/service.ts";
import type { ParentCtx } from "./enrolments/service.ts";

/** A parent's enrolment handler: the request's transaction, and who acts for which household when. */
export function asParent<T>(deps: Deps, c: Context<AppEnv>, fn: (trx: Trx, ctx: ParentCtx) => Promise<T>) {
  const ctx: ParentCtx = {
    tenant: c.get("tenant"),
    actor: { kind: "parent", userId: callerScope(c).userId },
    householdId: callerHousehold(c),
    now: deps.now(),
  };
  return inTransaction(c, deps.db, (trx) => fn(trx, ctx));
}

/** A staff member's enrolment handler: the request's transaction, and who acts. */
export function asStaff<T>(deps: Deps, c: Context<AppEnv>, fn: (trx: Trx, actor: Actor) => Promise<T>) {
  const actor: Actor = { kind: "staff", userId: callerScope(c).userId };
  return inTransaction(c, deps.db, (trx) => fn(trx, actor));
}
