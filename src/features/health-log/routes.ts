import { Hono } from "hono";
import { requireParent, requireStaff, requireStaffAdmin } from "../../auth/middleware.ts";
import { uuidParam } from "../../http/forms.ts";
import { page } from "../../http/render.ts";
import { callerHousehold, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import * as healthLog from "./service.ts";

/** « Consultations de la fiche sanitaire »: a parent under their child (mounted at /). */
export function healthLogRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/enfants/:id/consultations", requireParent, async (c) => {
    const childId = uuidParam(c, "id");
    const data = await inTransaction(c, deps.db, (trx) =>
      healthLog.childLog(trx, callerHousehold(c), childId),
    );
    return page(c, "health-log/list", { ...data, back: `/enfants/${uuidParam(c, "id")}`, staff: false });
  });
  return app;
}

/** The same log for a town admin (mounted at /agents). */
export function healthLogStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const path = "/foyers/:id/enfants/:childId/consultations";
  app.get(path, requireStaff, requireStaffAdmin, async (c) => {
    const householdId = uuidParam(c, "id");
    const childId = uuidParam(c, "childId");
    const data = await inTransaction(c, deps.db, (trx) => healthLog.childLog(trx, householdId, childId));
    return page(c, "health-log/list", { ...data, back: `/agents/foyers/${householdId}`, staff: true });
  });
  return app;
}
