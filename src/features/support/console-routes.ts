import { Hono } from "hono";
import { z } from "zod";
import { publicOrigin } from "../../env.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page } from "../../http/render.ts";
import { operatorTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { optionalText } from "../../lib/form-fields.ts";
import { operatorOf, requireOperator } from "../platform/console-service.ts";
import * as townsService from "../platform/towns/towns-service.ts";
import * as support from "./service.ts";

const entrySchema = z
  .object({ ecriture: z.preprocess((v) => v === "on", z.boolean()), motif: optionalText(300) })
  .refine((v) => !v.ecriture || v.motif, {
    path: ["motif"],
    message: "Indiquez le motif : il est enregistré et visible par la commune.",
  });

/**
 * « Entrer dans la commune »: the console opens a one-hour support entry on the town's host.
 * Mounted in the operators' console, after platformRoutes (which sets the operator).
 */
export function supportConsoleRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.post("/communes/:id/support", requireOperator, async (c) => {
    const town = await townsService.getTown(deps.db, operatorOf(c), uuidParam(c, "id"));
    const form = await readForm(c, entrySchema);
    if (!form.ok)
      return page(c, "platform/support-refused", { town, values: form.values, errors: form.errors }, 422);
    const entry = { tenantId: town.id, write: form.data.ecriture, reason: form.data.motif, ip: c.env.ip };
    const token = await operatorTransaction(c, deps.db, (trx) => support.enter(trx, operatorOf(c), entry));
    const origin = publicOrigin(deps.env, `${town.slug}.${deps.env.PLATFORM_DOMAIN}`);
    return c.redirect(`${origin}/agents/support/${token}`, 303);
  });
  return app;
}
