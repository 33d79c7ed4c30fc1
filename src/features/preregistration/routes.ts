import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { readForm } from "../../http/forms.ts";
import { page } from "../../http/render.ts";
import { visitorTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { HONEYPOT, MAX_CHILDREN, preregistrationSchema } from "./schemas.ts";
import * as preregistrationService from "./service.ts";

/** « Fiche de préinscription »: the public form of a new family, no session needed. Mounted at /. */
export function preregistrationRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  const formPage = (
    c: Context<AppEnv>,
    values: Record<string, string> = {},
    errors: Record<string, string> = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const { [HONEYPOT]: _robot, ...kept } = values;
    return page(c, "preregistration/form", { values: kept, errors, maxChildren: MAX_CHILDREN }, status);
  };

  app.get("/preinscription", (c) => formPage(c));
  app.post("/preinscription", async (c) => {
    const form = await readForm(c, preregistrationSchema);
    // A robot is answered as a family would be, so that it learns nothing; nothing is kept.
    if (form.values[HONEYPOT]?.trim()) {
      await visitorTransaction(c, deps.db, (trx) => preregistrationService.countRobot(trx, c.env.ip));
      return page(c, "preregistration/sent", {});
    }
    if (!form.ok) return formPage(c, form.values, form.errors, 422);
    const { wait } = await visitorTransaction(c, deps.db, (trx) =>
      preregistrationService.submit(trx, c.get("tenant"), c.env.ip, form.data),
    );
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60);
      const _form = `Trop de préinscriptions ont été envoyées depuis cette connexion. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.`;
      return formPage(c, form.values, { _form }, 429);
    }
    return page(c, "preregistration/sent", { email: form.data.email });
  });
  return app;
}
