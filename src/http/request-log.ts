import type { Context } from "hono";
import type { AppEnv } from "./types.ts";

/**
 * Names who makes the request on every later log line of it, the closing « request » line
 * included: a user (parent, staff, support inside a town) or a platform operator.
 */
export function logActor(
  c: Context<AppEnv>,
  who: { userId: string; support?: true } | { operatorId: string },
) {
  c.env.log = c.env.log.child(who);
}
