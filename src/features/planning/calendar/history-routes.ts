import { Hono } from "hono";
import { requireParent } from "../../../auth/middleware.ts";
import { notFound } from "../../../http/errors.ts";
import { uuidParam } from "../../../http/forms.ts";
import { page } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { parentPlanning } from "./calendar-context.ts";
import { dossier, HISTORY_STATES, history } from "./history.ts";

/** « Historique des réservations » and a dossier's days. Mounted at /. */
export function historyRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/planning/historique", requireParent, async (c) => {
    const ctx = parentPlanning(c, deps);
    const asked = c.req.query("etat") ?? "";
    const state = HISTORY_STATES.some((s) => s.key === asked) ? asked : null;
    const lines = await inTransaction(c, deps.db, (trx) => history(trx, ctx.planning.householdId, state));
    return page(c, "planning/history/index", { lines, states: HISTORY_STATES, state });
  });

  app.get("/planning/dossiers/:id", requireParent, async (c) => {
    const id = uuidParam(c, "id");
    const ctx = parentPlanning(c, deps);
    const d = await inTransaction(c, deps.db, (trx) => dossier(trx, ctx.planning.householdId, id));
    if (!d) throw notFound();
    return page(c, "planning/history/dossier", { d });
  });
  return app;
}
