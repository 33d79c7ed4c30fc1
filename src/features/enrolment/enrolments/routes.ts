import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent } from "../../../auth/middleware.ts";
import { readForm, readUpload, uuidParam, validate } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { shortDate } from "../../../lib/dates.ts";
import { asParent } from "../parent-scope.ts";
import { readAttached } from "../required-documents.ts";
import { type Render, requestForm, textValues, uploadLimit } from "../required-documents-http.ts";
import * as schoolService from "../school/service.ts";
import { patternLabel } from "./pattern-label.ts";
import { endFormSchema, enrolmentFormSchema } from "./schemas.ts";
import * as enrolmentService from "./service.ts";

const MESSAGES: Record<string, string> = {
  envoyee:
    "Votre demande d'inscription est envoyée : elle est « en attente » jusqu'à la décision du service.",
  retiree: "Votre demande d'inscription est retirée.",
  "scolaire-envoyee":
    "Votre demande d'inscription scolaire est envoyée : elle est « en attente » jusqu'à la décision du service.",
  terminee: "L'inscription est terminée : les jours réservés à partir de la date choisie sont annulés.",
};

const STATUS: Record<string, string> = {
  pending: "En attente",
  accepted: "Acceptée",
  refused: "Refusée",
  waiting: "Sur liste d'attente",
  withdrawn: "Retirée",
  ended: "Terminée",
};

type EndError = { id: string; message: string; value: string };

/** « Inscriptions en cours »: each child's enrolments, and the school requests. */
async function listPage(deps: Deps, c: Context<AppEnv>, endError?: EndError) {
  const [children, school] = await asParent(
    deps,
    c,
    async (trx, ctx) =>
      [
        await enrolmentService.ofHousehold(trx, ctx.householdId),
        await schoolService.ofHousehold(trx, ctx.householdId),
      ] as const,
  );
  const view = children.map((ch) => ({
    ...ch,
    rows: ch.rows.map((r) => ({
      ...r,
      pattern: patternLabel(r),
      dates: `du ${shortDate(r.starts_on)} au ${shortDate(r.ends_on)}`,
      state: STATUS[r.status],
    })),
  }));
  const status: ContentfulStatusCode = endError ? 422 : 200;
  const message = MESSAGES[c.req.query("message") ?? ""];
  return page(c, "enrolment/index", { children: view, school, endError, message }, status);
}

/** « Nouvelle inscription »: the request, with the documents the service asks for attached. */
async function sendRequest(deps: Deps, formPage: Render, c: Context<AppEnv>) {
  const sent = await readUpload(c);
  const form = validate(enrolmentFormSchema, sent.values);
  const values = { ...textValues(sent.values), jours: ([] as string[]).concat(sent.values.jours ?? []) };
  const attached = await readAttached(c.get("tenant"), sent.files);
  if (!form.ok || Object.keys(attached.errors).length)
    return formPage(c, { ...(form.ok ? {} : form.errors), ...attached.errors }, values);
  const out = await asParent(deps, c, (trx, ctx) =>
    enrolmentService.request(trx, ctx, form.data, attached.files),
  );
  if (!out.ok) return formPage(c, out.errors, values);
  return seeOther(c, "/inscriptions?message=envoyee");
}

/** Ending an enrolment from a date: the days booked from then are cancelled. */
async function end(deps: Deps, c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  const form = await readForm(c, endFormSchema);
  const value = form.values.fin ?? "";
  if (!form.ok) return listPage(deps, c, { id, message: form.errors.fin ?? "", value });
  const out = await asParent(deps, c, (trx, ctx) => enrolmentService.end(trx, ctx, id, form.data.fin));
  if (!out.ok) return listPage(deps, c, { id, message: out.errors.fin ?? "", value });
  return seeOther(c, "/inscriptions?message=terminee");
}

/** « Mes inscriptions » (mounted at /): « Inscriptions en cours », « Nouvelle inscription », withdraw, end. */
export function enrolmentRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/inscriptions", requireParent);
  app.use("/inscriptions/*", requireParent);
  const formPage = requestForm(deps, "enrolment/new", enrolmentService.formData);
  app.get("/inscriptions", (c) => listPage(deps, c));
  app.get("/inscriptions/nouvelle", (c) =>
    formPage(c, {}, { enfant: c.req.query("enfant") ?? "", mode: "regular", jours: [] }),
  );
  app.post("/inscriptions/nouvelle", uploadLimit(formPage), (c) => sendRequest(deps, formPage, c));
  app.post("/inscriptions/:id/retirer", async (c) => {
    const id = uuidParam(c, "id");
    await asParent(deps, c, (trx, ctx) => enrolmentService.withdraw(trx, ctx, id));
    return seeOther(c, "/inscriptions?message=retiree");
  });
  app.post("/inscriptions/:id/terminer", (c) => end(deps, c));
  return app;
}
