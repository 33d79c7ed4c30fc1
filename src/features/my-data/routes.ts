import { Hono } from "hono";
import { requireParent } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { page } from "../../http/render.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import * as myData from "./service.ts";

/** « Mes données » (issue 16, item 14): the household's data, machine-readable. */
export function myDataRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/mes-donnees", requireParent, (c) => page(c, "my-data/index", {}));
  app.get("/mes-donnees.json", requireParent, async (c) => {
    const s = c.get("session") as SessionUser;
    const body = await myData.exportHousehold(deps.db, c.get("tenant"), s, deps.now());
    return c.body(JSON.stringify(body, null, 2), 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": 'attachment; filename="mes-donnees.json"',
      "X-Content-Type-Options": "nosniff",
    });
  });
  return app;
}
