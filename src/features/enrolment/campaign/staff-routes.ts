import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import type { Trx } from "../../../db/database.ts";
import { firstValue, readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import type { Actor } from "../../audit/service.ts";
import { asStaff } from "../parent-scope.ts";
import * as campaignService from "./service.ts";

const MESSAGES: Record<string, string> = {
  ouverte: "La campagne de mise à jour est ouverte : les familles la voient sur leur portail.",
  relance: "Les familles qui n'ont pas terminé sont relancées par message et par e-mail.",
  close: "La campagne est close.",
};

/** « Mise à jour des dossiers » (mounted at /agents): open, follow, remind, close. */
export function campaignStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/campagne", requireStaff);
  app.use("/campagne/*", requireStaff);

  const run = <T>(c: Context<AppEnv>, fn: (trx: Trx, actor: Actor) => Promise<T>) => asStaff(deps, c, fn);
  const show = async (
    c: Context<AppEnv>,
    errors: Record<string, string> = {},
    values: Record<string, unknown> = {},
  ) => {
    const follow = await run(c, (trx) => campaignService.follow(trx));
    const message = MESSAGES[c.req.query("message") ?? ""];
    const status = Object.keys(errors).length ? 422 : 200;
    return page(
      c,
      "enrolment/campaign-staff",
      { follow, sections: campaignService.SECTIONS, errors, values, message },
      status,
    );
  };

  app.get("/campagne", (c) => show(c));
  app.post("/campagne", async (c) => {
    const { values: body } = await readForm(c, z.object({}), { all: true });
    const values = {
      nom: firstValue(body.nom).trim(),
      echeance: firstValue(body.echeance).trim(),
      sections: ([] as string[]).concat(body.sections ?? []),
    };
    const out = await run(c, (trx, actor) =>
      campaignService.open(
        trx,
        c.get("tenant"),
        actor,
        { name: values.nom, deadline: values.echeance, sections: values.sections },
        deps.now(),
      ),
    );
    if (!out.ok) return show(c, out.errors, values);
    return seeOther(c, "/agents/campagne?message=ouverte");
  });
  app.post("/campagne/relance", async (c) => {
    await run(c, (trx, actor) => campaignService.remind(trx, c.get("tenant"), actor));
    return seeOther(c, "/agents/campagne?message=relance");
  });
  app.post("/campagne/cloture", async (c) => {
    await run(c, (trx) => campaignService.close(trx));
    return seeOther(c, "/agents/campagne?message=close");
  });
  return app;
}
