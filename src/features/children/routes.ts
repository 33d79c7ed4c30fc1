import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent } from "../../auth/middleware.ts";
import { readForm, readUpload, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerHousehold, callerScope } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { type Place, personRoutes, sectionRoutes } from "./form-routes.ts";
import { type RunAs, runAs, SECTION_PAGES } from "./pages.ts";
import { checkPhoto, PHOTO_MAX_BYTES, PHOTO_TOO_BIG } from "./photo.ts";
import { childSchema } from "./schemas.ts";
import * as childrenService from "./service.ts";

const RESULTS: Record<string, string> = {
  applied: "Vos modifications sont enregistrées.",
  requested: "Votre demande a été transmise à la commune. Elle sera prise en compte après validation.",
  unchanged: "Aucune modification à enregistrer.",
};

const message = (c: Context<AppEnv>) => RESULTS[c.req.query("resultat") ?? ""];

/** The parent's forms: on « Mes enfants », back to the child's page with the outcome. */
const PARENT: Place = {
  child: "/enfants/:id",
  childParam: "id",
  extra: () => ({}),
  done: (c, kind, anchor) => `/enfants/${uuidParam(c, "id")}?resultat=${kind}${anchor}`,
};

/** « Mes enfants » (mounted at /): the list, « Ajouter un enfant », and each child's sections. */
export function childrenRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const run = runAs(deps.db, (c) => ({
    tenant: c.get("tenant"),
    actor: { kind: "parent", userId: callerScope(c).userId },
    householdId: callerHousehold(c),
  }));
  app.use("/enfants", requireParent);
  app.use("/enfants/*", requireParent);
  listRoutes(app, run);
  app.get("/enfants/:id", (c) => showChild(c, run, message(c)));
  app.get("/enfants/:id/fiche", (c) => sheet(c, run));
  photoRoutes(app, run);
  for (const s of SECTION_PAGES) sectionRoutes(app, run, s, PARENT);
  personRoutes(app, run, PARENT);
  return app;
}

/** « Mes enfants » and « Ajouter un enfant ». */
function listRoutes(app: Hono<AppEnv>, run: RunAs) {
  app.get("/enfants", async (c) => {
    const data = await run(c, (trx, w) => childrenService.overview(trx, w));
    return page(c, "children/index", { ...data, message: message(c) });
  });
  app.get("/enfants/ajouter", (c) => page(c, "children/add", { values: {}, errors: {} }));
  app.post("/enfants/ajouter", async (c) => {
    const form = await readForm(c, childSchema);
    if (!form.ok) return page(c, "children/add", { values: form.values, errors: form.errors }, 422);
    const outcome = await run(c, (trx, w) => childrenService.addChild(trx, w, form.data));
    return seeOther(c, `/enfants?resultat=${outcome.kind}`);
  });
}

/** « Fiche enfant » as a PDF download: simple, or complete with the medical information. */
async function sheet(c: Context<AppEnv>, run: RunAs) {
  const complete = c.req.query("version") === "complete";
  const data = await run(c, (trx, w) => childrenService.sheetData(trx, w, uuidParam(c, "id")));
  const { pdf, firstName } = await childrenService.sheet(c.get("tenant"), data, complete);
  const name =
    firstName
      .normalize("NFD")
      .replace(/[^A-Za-z0-9-]/g, "")
      .toLowerCase() || "enfant";
  return c.body(new Uint8Array(pdf), 200, {
    "Content-Type": "application/pdf",
    "Content-Disposition": `attachment; filename="fiche-enfant-${name}${complete ? "-complete" : ""}.pdf"`,
    "X-Content-Type-Options": "nosniff",
  });
}

/** The child's page; with a refused photo, its message at the photo field. */
async function showChild(
  c: Context<AppEnv>,
  run: RunAs,
  message?: string,
  photoError?: string,
  status: ContentfulStatusCode = 200,
) {
  const data = await run(c, (trx, w) => childrenService.childFile(trx, w, uuidParam(c, "id")));
  return page(c, "children/show", { ...data, message, photoError }, status);
}

/** Room for the multipart envelope around the photo. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** Checks, resizes and stores the photo; nothing is saved when the file is refused. */
async function setPhoto(c: Context<AppEnv>, run: RunAs) {
  const id = uuidParam(c, "id");
  const file = (await readUpload(c)).files.photo?.[0];
  await run(c, (trx, w) => childrenService.ensureChild(trx, w, id));
  const checked = await checkPhoto(file);
  if (!checked.ok) return showChild(c, run, undefined, checked.error, 422);
  await run(c, (trx, w) => childrenService.writePhoto(trx, w, id, checked.jpeg));
  return seeOther(c, `/enfants/${id}?resultat=applied#photo`);
}

/** « Photo de l'enfant »: shown, replaced (a direct write in every town), removed. */
function photoRoutes(app: Hono<AppEnv>, run: RunAs) {
  app.get("/enfants/:id/photo", async (c) => {
    const photo = await run(c, (trx, w) => childrenService.photo(trx, w, uuidParam(c, "id")));
    return c.body(new Uint8Array(photo.content), 200, {
      "Content-Type": photo.type,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
  });
  // The global 64 KB limit skips this path (site-app.ts): a photo may weigh up to 5 Mo.
  const limit = bodyLimit({
    maxSize: PHOTO_MAX_BYTES + MULTIPART_OVERHEAD,
    onError: (c) => showChild(c as Context<AppEnv>, run, undefined, PHOTO_TOO_BIG, 413),
  });
  app.post("/enfants/:id/photo", limit, (c) => setPhoto(c, run));
  app.post("/enfants/:id/photo/supprimer", async (c) => {
    const id = uuidParam(c, "id");
    await run(c, (trx, w) => childrenService.writePhoto(trx, w, id, null));
    return seeOther(c, `/enfants/${id}?resultat=applied#photo`);
  });
}
