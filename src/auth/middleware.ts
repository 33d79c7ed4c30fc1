import type { Context, MiddlewareHandler } from "hono";
import { type Database, switchPersona, type Trx } from "../db/database.ts";
import { clearHostCookie, readHostCookie, setHostCookie } from "../http/cookies.ts";
import { forbidden } from "../http/errors.ts";
import { logActor } from "../http/request-log.ts";
import { sessionScope, setCallerScope } from "../http/scope.ts";
import type { AppEnv } from "../http/types.ts";
import { lifetime, type SessionUser, validateSession } from "./sessions.ts";

/** `__Host-parvis`: Secure, Path=/, no Domain, so it stays on the town's own host. */
export const COOKIE = "parvis";

export function setSessionCookie(c: Context<AppEnv>, token: string, remember: boolean) {
  setHostCookie(c, COOKIE, token, remember ? { maxAgeS: Math.floor(lifetime(true).idleMs / 1000) } : {});
}

export function clearSessionCookie(c: Context<AppEnv>) {
  clearHostCookie(c, COOKIE);
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return readHostCookie(c, COOKIE);
}

/**
 * What pages need of a signed-in person on every request (the inbox's unread count in the
 * header), read in the session's own transaction once it has switched to that person's
 * persona: one transaction where there were two.
 */
export interface SessionExtra {
  /** Whether this request needs it: asked first, so that no other request pays the switch. */
  wanted(c: Context<AppEnv>, session: SessionUser): boolean;
  run(trx: Trx, c: Context<AppEnv>, session: SessionUser): Promise<void>;
}

/**
 * Loads the session of the town's cookie; a cookie from another town finds nothing (RLS).
 * A signed-in person's `extra` runs in the same transaction, as that person.
 */
export function loadSession(db: Database, extra?: SessionExtra): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = readSessionCookie(c);
    const tenant = c.get("tenant");
    const session = token
      ? await db.withTenant({ role: "app_auth", tenantId: tenant.id }, async (trx) => {
          const found = await validateSession(trx, token);
          if (found && !found.secondFactorPending && extra?.wanted(c, found)) {
            await switchPersona(trx, sessionScope(tenant.id, found));
            await extra.run(trx, c, found);
          }
          return found;
        })
      : null;
    if (token && !session) clearSessionCookie(c);
    // The server's idle window slides; a remembered cookie's lifetime slides with it.
    if (token && session?.remember && session.renewed) setSessionCookie(c, token, true);
    // A session still waiting for its second factor is kept, but signs nobody in yet.
    c.set("session", session?.secondFactorPending ? null : session);
    if (session) logActor(c, { userId: session.userId });
    await next();
  };
}

const FORCED_CHANGE_ALLOWED = new Set([
  "/mot-de-passe",
  "/deconnexion",
  "/agents/mot-de-passe",
  "/agents/deconnexion",
]);

function forcedChange(c: Context<AppEnv>, base: string) {
  const s = c.get("session");
  if (s?.mustChangePassword && !FORCED_CHANGE_ALLOWED.has(c.req.path))
    return c.redirect(`${base}/mot-de-passe`, 303);
  return null;
}

export const requireParent: MiddlewareHandler<AppEnv> = async (c, next) => {
  const s = c.get("session");
  if (!s) return c.redirect(`/connexion?suite=${encodeURIComponent(c.req.path)}`, 303);
  if (s.kind !== "parent") return c.redirect("/agents", 303);
  setCallerScope(c);
  return forcedChange(c, "") ?? next();
};

export const requireStaff: MiddlewareHandler<AppEnv> = async (c, next) => {
  const s = c.get("session");
  if (!s) return c.redirect("/agents/connexion", 303);
  if (s.kind !== "staff") throw forbidden("Cet espace est réservé aux agents de la commune.");
  setCallerScope(c);
  return forcedChange(c, "/agents") ?? next();
};

export const requireStaffAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("session")?.staffRole !== "admin")
    throw forbidden("Cette action est réservée aux administrateurs.");
  return next();
};
