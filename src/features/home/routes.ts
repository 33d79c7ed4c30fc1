import { Hono } from "hono";
import { loginField } from "../../auth/login.ts";
import { requireParent } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { page } from "../../http/render.ts";
import { callerHousehold, inTransaction, visitorTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { FMT } from "../billing/invoices/invoices-service.ts";
import * as completenessService from "../completeness/service.ts";
import * as newsService from "../news/service.ts";
import * as homeService from "./service.ts";
import { tilesFor } from "./tiles.ts";

export function homeRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  // The town's front page: signed out, its identity, links and the login form; signed in, « Bienvenue ».
  app.get("/", async (c, next) => {
    const s = c.get("session");
    if (!s) {
      const tenant = c.get("tenant");
      return page(c, "home/public", {
        field: loginField(tenant, "parent"),
        values: {},
        errors: {},
        base: "",
        news: await visitorTransaction(c, deps.db, (trx) => newsService.latest(trx)),
      });
    }
    if (s.kind === "staff") return c.redirect("/agents", 303);
    return next();
  });
  app.get("/", requireParent, async (c) => {
    const tenant = c.get("tenant");
    const session = c.get("session") as SessionUser;
    const { household, missing, news } = await inTransaction(c, deps.db, async (trx) => ({
      household: await homeService.householdOf(trx, tenant, session, deps.now()),
      missing: await completenessService.missingItems(trx, tenant, callerHousehold(c)),
      news: await newsService.latest(trx),
    }));
    const tiles = tilesFor(tenant.config, household.unpaid.length, c.get("unread"));
    return page(c, "home/parent", { household, tiles, missing, news, fmt: FMT });
  });
  return app;
}
