import { type Context, Hono } from "hono";
import { z } from "zod";
import { readForm } from "../http/forms.ts";
import { page, seeOther } from "../http/render.ts";
import { sessionScope } from "../http/scope.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { requireParent, requireStaff } from "./middleware.ts";
import { endOwnSession } from "./session-end-service.ts";
import { deleteUserSessions, listUserSessions, type SessionUser } from "./sessions.ts";

/**
 * « Mes connexions » (issue 16, item 12): the person's active sessions (device, network, last
 * use); they end any of them, or every other one. RLS keeps each to their own sessions.
 */
export function connectionsRoutes(deps: Deps, kind: "parent" | "staff") {
  const base = kind === "staff" ? "/agents" : "";
  const app = new Hono<AppEnv>();
  const guard = kind === "staff" ? requireStaff : requireParent;
  const own = (c: Context<AppEnv>) => sessionScope(c.get("tenant").id, c.get("session") as SessionUser);
  const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;

  app.get("/compte/connexions", guard, async (c) => {
    const rows = await deps.db.withTenant(own(c), (trx) => listUserSessions(trx, session(c).userId));
    const ended = c.req.query("fin") === "1";
    return page(c, "auth/connections", { base, rows, current: session(c).sessionId, ended });
  });
  app.post("/compte/connexions/fin", guard, async (c) => {
    const form = await readForm(c, z.object({ session: z.string().catch("") }));
    const id = form.ok ? form.data.session : "";
    await deps.db.withTenant(own(c), (trx) => endOwnSession(trx, session(c).userId, id));
    return seeOther(c, id === session(c).sessionId ? `${base}/connexion` : `${base}/compte/connexions?fin=1`);
  });
  app.post("/compte/connexions/autres", guard, async (c) => {
    const s = session(c);
    await deps.db.withTenant(own(c), (trx) => deleteUserSessions(trx, s.userId, s.sessionId));
    return seeOther(c, `${base}/compte/connexions?fin=1`);
  });
  return app;
}
