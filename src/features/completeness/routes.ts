import { Hono } from "hono";
import { requireParent } from "../../auth/middleware.ts";
import { page } from "../../http/render.ts";
import { callerHousehold, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import * as completenessService from "./service.ts";

/** « Mon dossier »: what the town still needs before the family can book. Mounted at /. */
export function completenessRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/dossier", requireParent, async (c) => {
    const missing = await inTransaction(c, deps.db, (trx) =>
      completenessService.missingItems(trx, c.get("tenant"), callerHousehold(c)),
    );
    return page(c, "completeness/index", { missing });
  });
  return app;
}
