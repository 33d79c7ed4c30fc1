import { type Context, Hono, type MiddlewareHandler } from "hono";
import { requireStaff, requireStaffAdmin } from "../../auth/middleware.ts";
import { clearHostCookie, readHostCookie, setHostCookie } from "../../http/cookies.ts";
import { AppError } from "../../http/errors.ts";
import { page, seeOther } from "../../http/render.ts";
import { logActor } from "../../http/request-log.ts";
import { inTransaction, visitorTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { parisDateTime } from "../../lib/dates.ts";
import * as support from "./service.ts";

/** `__Host-parvis-support`: the operator's support session on this town's host only. */
const COOKIE = "parvis-support";
const LEAVE = "/agents/support/fin";
/** A staff member's own account (password, e-mail, connections): the support has none here. */
const OWN_ACCOUNT = /^\/agents\/(mot-de-passe|compte)(\/|$)/;

/**
 * Under /agents, a support cookie stands for a staff session (when nobody is signed in):
 * every page is audited, and nothing is written unless the entry was opened with a reason.
 */
export function supportSession(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = readHostCookie(c, COOKIE);
    if (!token || c.get("session") || !c.req.path.startsWith("/agents")) return next();
    const view = { method: c.req.method, path: c.req.path, ip: c.env.ip };
    const session = await visitorTransaction(c, deps.db, (trx) =>
      support.current(trx, c.get("tenant").id, token, view),
    );
    if (!session) {
      clearHostCookie(c, COOKIE);
      return next();
    }
    if (OWN_ACCOUNT.test(c.req.path))
      throw new AppError(
        "forbidden",
        403,
        "Cette page concerne le compte personnel d'un agent : l'accès du support n'en a pas dans la commune.",
      );
    const reading = c.req.method === "GET" || c.req.method === "HEAD";
    if (!reading && !session.support?.write && c.req.path !== LEAVE)
      throw new AppError(
        "forbidden",
        403,
        "Accès du support en lecture seule : pour modifier, entrez de nouveau dans la commune en indiquant un motif.",
      );
    c.set("session", session);
    logActor(c, { userId: session.userId, support: true });
    return next();
  };
}

/** The town's side of support access: opening the link, leaving, and « Accès du support » for admins. */
export function supportRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/support/:token", async (c) => {
    const session = await visitorTransaction(c, deps.db, (trx) => support.open(trx, c.req.param("token")));
    if (!session) throw new AppError("gone", 410, "Ce lien d'accès du support n'est plus valable.");
    setHostCookie(c, COOKIE, session, { maxAgeS: support.SUPPORT_MS / 1000 });
    return seeOther(c, "/agents");
  });
  app.post("/support/fin", async (c) => {
    const token = readHostCookie(c, COOKIE);
    if (token)
      await visitorTransaction(c, deps.db, (trx) => support.end(trx, c.get("tenant").id, token, c.env.ip));
    clearHostCookie(c, COOKIE);
    return seeOther(c, "/agents/connexion");
  });
  app.get("/acces-support", requireStaff, requireStaffAdmin, async (c: Context<AppEnv>) => {
    const data = await inTransaction(c, deps.db, (trx) => support.history(trx));
    return page(c, "support/index", { ...data, dateTime: parisDateTime });
  });
  return app;
}
