import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import { firstValue, readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { asStaff } from "../parent-scope.ts";
import * as campaignService from "./service.ts";

const MESSAGES: Record<string, string> = {
  ouverte: "La campagne de mise à jour est ouverte : les familles la voient sur leur portail.",
  relance: "Les familles qui n'ont pas terminé sont relancées par message et par e-mail.",
  close: "La campagne est close.",
};

async function show(
  deps: Deps,
  c: Context<AppEnv>,
  errors: Record<string, string> = {},
  values: Record<string, unknown> = {},
) {
  const follow = await asStaff(deps, c, (trx) => campaignService.follow(trx));
  const message = MESSAGES[c.req.query("message") ?? ""];
  const status = Object.keys(errors).length ? 422 : 200;
  const view = { follow, sections: campaignService.SECTIONS, errors, values, message };
  return page(c, "enrolment/campaign-staff", view, status);
}

/** Opening a campaign: its name, its deadline and the sections families check again. */
async function open(deps: Deps, c: Context<AppEnv>) {
  const { values: body } = await readForm(c, z.object({}), { all: true });
  const values = {
    nom: firstValue(body.nom).trim(),
    echeance: firstValue(body.echeance).trim(),
    sections: ([] as string[]).concat(body.sections ?? []),
  };
  const campaign = { name: values.nom, deadline: values.echeance, sections: values.sections };
  const out = await asStaff(deps, c, (trx, actor) =>
    campaignService.open(trx, c.get("tenant"), actor, campaign, deps.now()),
  );
  if (!out.ok) return show(deps, c, out.errors, values);
  return seeOther(c, "/agents/campagne?message=ouverte");
}

/** « Mise à jour des dossiers » (mounted at /agents): open, follow, remind, close. */
export function campaignStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/campagne/*", requireStaff);
  app.get("/campagne", (c) => show(deps, c));
  app.post("/campagne", (c) => open(deps, c));
  app.post("/campagne/relance", async (c) => {
    await asStaff(deps, c, (trx, actor) => campaignService.remind(trx, c.get("tenant"), actor));
    return seeOther(c, "/agents/campagne?message=relance");
  });
  app.post("/campagne/cloture", async (c) => {
    await asStaff(deps, c, (trx) => campaignService.close(trx));
    return seeOther(c, "/agents/campagne?message=close");
  });
  return app;
}
