import type { Context } from "hono";
import type { TenantContext } from "../../db/database.ts";
import { callerHousehold, callerScope } from "../../http/scope.ts";
import type { AppEnv } from "../../http/types.ts";

/**
 * The signed-in parent as « Mon profil » and « Mon foyer » act: who, which household, and
 * their own database context (an app_auth step of the transaction switches back to it).
 */
export type Parent = TenantContext & { userId: string; householdId: string };

/** The request scope the guard set (architecture §4), with its household. */
export const parentOf = (c: Context<AppEnv>): Parent => ({
  ...callerScope(c),
  householdId: callerHousehold(c),
});
