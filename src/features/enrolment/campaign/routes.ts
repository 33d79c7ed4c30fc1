import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireParent } from "../../../auth/middleware.ts";
import type { Trx } from "../../../db/database.ts";
import { readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { offers, ReenrolError, reenrol } from "../enrolments/reenrol-service.ts";
import type { ParentCtx } from "../enrolments/service.ts";
import { asParent } from "../parent-scope.ts";
import * as campaignService from "./service.ts";

const MESSAGES: Record<string, string> = {
  enregistre: "Votre avancement est enregistré.",
  reinscrit:
    "Vos demandes de réinscription sont envoyées : elles sont « en attente » jusqu'à la décision du service.",
};

/** Every value of a repeated field (ticked boxes), read once through forms.ts. */
const ticked = async (c: Context<AppEnv>, field: string) =>
  ([] as string[]).concat((await readForm(c, z.object({}), { all: true })).values[field] ?? []);

/** « Mise à jour du dossier » and « Réinscription » (mounted at /). */
export function campaignRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/mise-a-jour", requireParent);
  app.use("/mise-a-jour/*", requireParent);

  const run = <T>(c: Context<AppEnv>, fn: (trx: Trx, ctx: ParentCtx) => Promise<T>) => asParent(deps, c, fn);
  const show = async (c: Context<AppEnv>, problems: string[] = [], status: ContentfulStatusCode = 200) => {
    const data = await run(c, async (trx, ctx) => ({
      campaign: await campaignService.forHousehold(trx, ctx.householdId),
      offers: await offers(trx, ctx.householdId),
    }));
    const message = MESSAGES[c.req.query("message") ?? ""];
    return page(c, "enrolment/campaign", { ...data, problems, message }, status);
  };

  app.get("/mise-a-jour", (c) => show(c));
  app.post("/mise-a-jour", async (c) => {
    const checked = await ticked(c, "verifie");
    await run(c, (trx, ctx) => campaignService.check(trx, ctx.tenant, ctx.householdId, checked));
    return seeOther(c, "/mise-a-jour?message=enregistre");
  });
  app.post("/mise-a-jour/reinscription", async (c) => {
    const chosen = await ticked(c, "inscriptions");
    try {
      await run(c, (trx, ctx) => reenrol(trx, ctx, chosen));
    } catch (err) {
      if (!(err instanceof ReenrolError)) throw err;
      return show(c, err.messages, 422);
    }
    return seeOther(c, "/mise-a-jour?message=reinscrit");
  });
  return app;
}
