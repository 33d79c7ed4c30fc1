import { Hono } from "hono";
import { requireParent } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import { page } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { myTariffs } from "./service.ts";

/** « Mes tarifs » (« Information sur les tarifs appliqués aux enfants »), mounted at /. */
export function tariffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/tarifs", requireParent, async (c) => {
    const s = c.get("session") as SessionUser;
    const tenant = c.get("tenant");
    const householdId = s.householdId as string;
    const children = await deps.db.withTenant(
      { role: "app_parent", tenantId: tenant.id, userId: s.userId, householdId },
      (trx) => myTariffs(trx, tenant, householdId, deps.now()),
    );
    return page(c, "enrolment/tariffs", { children });
  });
  return app;
}
