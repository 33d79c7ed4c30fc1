import { type Context, Hono } from "hono";
import { requireParent } from "../../../auth/middleware.ts";
import type { Trx } from "../../../db/database.ts";
import { readUpload, uuidParam } from "../../../http/forms.ts";
import { seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isUuid } from "../../../lib/form-fields.ts";
import type { ParentCtx } from "../enrolments/service.ts";
import { asParent } from "../parent-scope.ts";
import { readAttached } from "../required-documents.ts";
import { type Render, requestForm, textValues, uploadLimit } from "../required-documents-http.ts";
import { certificateDownload } from "./certificate-download.ts";
import * as schoolService from "./service.ts";

/** The request, with the documents the town asks for attached. */
async function sendRequest(deps: Deps, formPage: Render, c: Context<AppEnv>) {
  const sent = await readUpload(c);
  const values = textValues(sent.values);
  const form: schoolService.SchoolForm = {
    enfant: values.enfant ?? "",
    annee: values.annee ?? "",
    niveau: values.niveau ?? "",
    derogation: values.derogation === "oui",
    ecole: values.ecole ?? "",
    motif: (values.motif ?? "").slice(0, 1000),
  };
  const attached = await readAttached(c.get("tenant"), sent.files);
  if (!isUuid(form.enfant))
    return formPage(c, { ...attached.errors, enfant: "Choisissez un enfant." }, values);
  if (Object.keys(attached.errors).length) return formPage(c, attached.errors, values);
  const out = await asParent(deps, c, (trx, ctx) => schoolService.request(trx, ctx, form, attached.files));
  if (!out.ok) return formPage(c, out.errors, values);
  return seeOther(c, "/inscriptions?message=scolaire-envoyee");
}

/** « Nouvelle inscription scolaire », withdrawing it, and its certificate. Mounted at /. */
export function schoolRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/inscriptions/scolaire", requireParent);
  app.use("/inscriptions/scolaire/*", requireParent);
  const run = <T>(c: Context<AppEnv>, fn: (trx: Trx, ctx: ParentCtx) => Promise<T>) => asParent(deps, c, fn);
  const formPage = requestForm(deps, "enrolment/school-new", schoolService.formData);
  app.get("/inscriptions/scolaire", (c) => formPage(c, {}, { enfant: c.req.query("enfant") ?? "" }));
  app.post("/inscriptions/scolaire", uploadLimit(formPage), (c) => sendRequest(deps, formPage, c));
  app.post("/inscriptions/scolaire/:id/retirer", async (c) => {
    const id = uuidParam(c, "id");
    await run(c, (trx, ctx) => schoolService.withdraw(trx, ctx, id));
    return seeOther(c, "/inscriptions?message=retiree");
  });
  app.get("/inscriptions/scolaire/:id/certificat", async (c) => {
    const id = uuidParam(c, "id");
    const cert = await run(c, (trx, ctx) =>
      schoolService.certificate(trx, ctx.tenant, id, ctx.householdId, ctx.now),
    );
    return certificateDownload(c, cert, { "Cache-Control": "no-store" });
  });
  return app;
}
