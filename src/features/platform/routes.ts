import { type Context, Hono, type MiddlewareHandler } from "hono";
import { validateOperatorSession } from "../../auth/operator-sessions.ts";
import { loginSchema } from "../../auth/schemas.ts";
import { lifetime } from "../../auth/sessions.ts";
import { clearHostCookie, readHostCookie, setHostCookie } from "../../http/cookies.ts";
import { notFound } from "../../http/errors.ts";
import { readForm, safeValues } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { logActor } from "../../http/request-log.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { platformDashboardRoutes } from "./dashboard/dashboard-routes.ts";
import { platformSecondFactorRoutes } from "./operators/second-factor-routes.ts";
import * as platform from "./service.ts";
import { platformImportRoutes } from "./towns/import-routes.ts";
import { platformTownStaffRoutes } from "./towns/town-staff-routes.ts";
import { platformTownRoutes } from "./towns/towns-routes.ts";

const COOKIE = "parvis";

/** The signed-in operator of the console's cookie, on the request (and on its log lines). */
function loadOperator(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = readHostCookie(c, COOKIE);
    const op = token
      ? await deps.db.withTenant({ role: "app_auth", tenantId: null }, (trx) =>
          validateOperatorSession(trx, token),
        )
      : null;
    c.set("operator", op);
    if (op) logActor(c, { operatorId: op.operatorId });
    await next();
  };
}

const loginPage = (c: Context<AppEnv>, data = {}, status: 200 | 401 | 422 | 429 = 200) =>
  page(c, "platform/login", { values: {}, errors: {}, ...data }, status);

/** The password; the second factor follows (/connexion/code). */
async function logIn(deps: Deps, c: Context<AppEnv>) {
  const form = await readForm(c, loginSchema("email"));
  const values = safeValues(form.values);
  if (!form.ok) return loginPage(c, { values, errors: form.errors }, 422);
  const remember = form.data.remember === "on";
  const input = { ...form.data, email: form.data.identifier, remember, ip: c.env.ip };
  const r = await platform.login(deps.db, c.env.log, input);
  if (!r.ok && r.waitSeconds > 0) {
    const minutes = Math.ceil(r.waitSeconds / 60);
    return loginPage(
      c,
      { values, errors: { _form: `Trop de tentatives. Réessayez dans ${minutes} min.` } },
      429,
    );
  }
  if (!r.ok)
    return loginPage(c, { values, errors: { _form: "Adresse e-mail ou mot de passe incorrect." } }, 401);
  const maxAgeS = remember ? Math.floor(lifetime(true).idleMs / 1000) : undefined;
  setHostCookie(c, COOKIE, r.token, { sameSite: "Strict", maxAgeS });
  return seeOther(c, "/connexion/code");
}

/** The operators' console on admin.<PLATFORM_DOMAIN>: the list of towns, opening and closing them. */
export function platformRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use(loadOperator(deps));
  const guard: MiddlewareHandler<AppEnv> = async (c, next) =>
    c.get("operator") ? next() : c.redirect("/connexion", 303);
  app.get("/connexion", (c) => (c.get("operator") ? c.redirect("/", 303) : loginPage(c)));
  app.post("/connexion", (c) => logIn(deps, c));
  app.route("/", platformSecondFactorRoutes(deps));
  app.post("/deconnexion", async (c) => {
    const op = c.get("operator");
    if (op) await platform.logout(deps.db, op, c.env.ip);
    clearHostCookie(c, COOKIE);
    return seeOther(c, "/connexion?message=deconnecte");
  });
  app.get("/", guard, async (c) => {
    const op = c.get("operator");
    if (!op) throw notFound();
    const towns = await platform.listTowns(deps.db, op);
    return page(c, "platform/index", { towns, domain: deps.env.PLATFORM_DOMAIN, port: deps.env.PORT });
  });
  app.route("/", platformTownRoutes(deps));
  app.route("/", platformTownStaffRoutes(deps));
  app.route("/", platformImportRoutes(deps));
  app.route("/", platformDashboardRoutes(deps));
  return app;
}
