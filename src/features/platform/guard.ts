import type { Context, MiddlewareHandler } from "hono";
import type { OperatorSession } from "../../auth/operator-sessions.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import type { Who } from "./towns/towns-service.ts";

/** The console's pages are for a signed-in operator only. */
export const requireOperator: MiddlewareHandler<AppEnv> = async (c, next) =>
  c.get("operator") ? next() : c.redirect("/connexion", 303);

export const operatorOf = (c: Context<AppEnv>) => c.get("operator") as OperatorSession;

export const who = (deps: Deps, c: Context<AppEnv>): Who => ({
  op: operatorOf(c),
  ip: c.env.ip,
  domain: deps.env.PLATFORM_DOMAIN,
});
