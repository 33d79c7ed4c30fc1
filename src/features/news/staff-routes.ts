import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireStaff } from "../../auth/middleware.ts";
import type { Trx } from "../../db/database.ts";
import { readUpload, singleValues, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { formatsLabel, sizeLabel } from "../documents/files-service.ts";
import * as newsService from "./service.ts";

type Form = { values: Record<string, string>; errors: Record<string, string> };
const EMPTY: Form = { values: {}, errors: {} };

/** Images of news up to 1 Mo; forms up to the town's maximum for documents. */
const uploadLimit: MiddlewareHandler<AppEnv> = (c, next) => {
  const max = Math.max(1024 * 1024, c.get("tenant").config.householdFile.documents.maxBytes);
  return bodyLimit({
    maxSize: max + 64 * 1024,
    onError: (c) => c.text("Le fichier est trop volumineux.", 413),
  })(c, next);
};

async function readFields(c: Context<AppEnv>, field: string) {
  const form = await readUpload(c);
  return { values: singleValues(form.values), file: form.files[field]?.[0] };
}

const overview = (deps: Deps, c: Context<AppEnv>) =>
  inTransaction(c, deps.db, (trx) => newsService.staffOverview(trx));

/** After a save: `to` with « Enregistré », or the form again with its errors (422). */
const afterSave = (
  c: Context<AppEnv>,
  saved: { ok: true } | { ok: false; errors: Record<string, string> },
  to: string,
  again: (errors: Record<string, string>) => Promise<Response>,
) => (saved.ok ? seeOther(c, `${to}?fait=1`) : again(saved.errors));

async function newsPage(deps: Deps, c: Context<AppEnv>, form: Form, status: ContentfulStatusCode = 200) {
  const { news } = await overview(deps, c);
  return page(c, "news/staff-news", { news, ...form, done: c.req.query("fait") === "1" }, status);
}

/** An item's edit page (by the path's id): the form as typed again, else the item's own values. */
interface EditPage<T extends object> {
  template: string;
  read: (trx: Trx, id: string) => Promise<T>;
  values?: (item: T) => object;
}

async function editPage<T extends object>(
  deps: Deps,
  c: Context<AppEnv>,
  at: EditPage<T>,
  form: Form | null = null,
  status: ContentfulStatusCode = 200,
) {
  const id = uuidParam(c, "id");
  const item = await inTransaction(c, deps.db, (trx) => at.read(trx, id));
  const values = form?.values ?? at.values?.(item) ?? item;
  return page(c, at.template, { item, values, errors: form?.errors ?? {} }, status);
}

const NEWS_EDIT: EditPage<Awaited<ReturnType<typeof newsService.findNews>>> = {
  template: "news/staff-news-edit",
  read: newsService.findNews,
  values: (n) => ({ ...n, publish_until: n.publish_until ?? "" }),
};
const INFO_EDIT = { template: "news/staff-info-edit", read: newsService.findInfoPage };

/** « Publier » (no id) or « Enregistrer » an item, its image with it. */
async function saveNews(deps: Deps, c: Context<AppEnv>, id: string | null) {
  const form = await readFields(c, "image");
  const saved = await inTransaction(c, deps.db, (trx) =>
    newsService.saveNews(trx, c.get("tenant"), callerScope(c).userId, id, form),
  );
  return afterSave(c, saved, "/agents/actualites", (errors) => {
    const again = { values: form.values, errors };
    return id ? editPage(deps, c, NEWS_EDIT, again, 422) : newsPage(deps, c, again, 422);
  });
}

/** « Actualités »: the list and its form, and one item's edit page. */
function newsItemRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/actualites", (c) => newsPage(deps, c, EMPTY));
  app.post("/actualites", uploadLimit, (c) => saveNews(deps, c, null));
  app.get("/actualites/:id", (c) => editPage(deps, c, NEWS_EDIT));
  app.post("/actualites/:id", uploadLimit, (c) => saveNews(deps, c, uuidParam(c, "id")));
  return app;
}

async function infosPage(
  deps: Deps,
  c: Context<AppEnv>,
  forms: { page?: Form; upload?: Form },
  status: ContentfulStatusCode = 200,
) {
  const data = await overview(deps, c);
  const cfg = c.get("tenant").config.householdFile.documents;
  const hint = `Formats acceptés : ${formatsLabel(cfg)}. Taille maximale : ${sizeLabel(cfg.maxBytes)}.`;
  const done = c.req.query("fait") === "1";
  const shown = { pageForm: forms.page ?? EMPTY, uploadForm: forms.upload ?? EMPTY };
  return page(c, "news/staff-infos", { ...data, ...shown, hint, done }, status);
}

/** « Ajouter » (no id) or « Enregistrer » an information page. */
async function saveInfoPage(deps: Deps, c: Context<AppEnv>, id: string | null) {
  const { values } = await readFields(c, "");
  const saved = await inTransaction(c, deps.db, (trx) =>
    newsService.saveInfoPage(trx, c.get("tenant"), id, values),
  );
  return afterSave(c, saved, "/agents/infos", (errors) =>
    id
      ? editPage(deps, c, INFO_EDIT, { values, errors }, 422)
      : infosPage(deps, c, { page: { values, errors } }, 422),
  );
}

async function addTownForm(deps: Deps, c: Context<AppEnv>) {
  const form = await readFields(c, "file");
  const saved = await inTransaction(c, deps.db, (trx) => newsService.addTownForm(trx, c.get("tenant"), form));
  return afterSave(c, saved, "/agents/infos", (errors) =>
    infosPage(deps, c, { upload: { values: form.values, errors } }, 422),
  );
}

/** « Infos / Documents »: information pages and « Formulaires ». */
function infoRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/infos", (c) => infosPage(deps, c, {}));
  app.post("/infos", (c) => saveInfoPage(deps, c, null));
  app.post("/formulaires", uploadLimit, (c) => addTownForm(deps, c));
  app.get("/infos/:id", (c) => editPage(deps, c, INFO_EDIT));
  app.post("/infos/:id", (c) => saveInfoPage(deps, c, uuidParam(c, "id")));
  return app;
}

/** « Actualités », information pages and « Formulaires » in the back-office. Mounted at /agents. */
export function newsStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  for (const path of ["/actualites", "/actualites/*", "/infos", "/infos/*", "/formulaires"])
    app.use(path, requireStaff);
  app.route("/", newsItemRoutes(deps));
  app.route("/", infoRoutes(deps));
  return app;
}
