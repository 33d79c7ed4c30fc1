import { Hono } from "hono";
import { requireParent } from "../../../auth/middleware.ts";
import { page } from "../../../http/render.ts";
import { callerHousehold, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { myTariffs } from "./service.ts";

/** « Mes tarifs » (« Information sur les tarifs appliqués aux enfants »), mounted at /. */
export function tariffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/tarifs", requireParent, async (c) => {
    const tenant = c.get("tenant");
    const children = await inTransaction(c, deps.db, (trx) =>
      myTariffs(trx, tenant, callerHousehold(c), deps.now()),
    );
    return page(c, "enrolment/tariffs", { children });
  });
  return app;
}
