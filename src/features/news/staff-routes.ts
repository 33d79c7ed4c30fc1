import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireStaff } from "../../auth/middleware.ts";
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

/** « Actualités », information pages and « Formulaires » in the back-office. Mounted at /agents. */
export function newsStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  for (const path of ["/actualites", "/actualites/*", "/infos", "/infos/*", "/formulaires"])
    app.use(path, requireStaff);
  const tenant = (c: Context<AppEnv>) => c.get("tenant");

  const newsPage = async (c: Context<AppEnv>, form: Form, status: ContentfulStatusCode = 200) => {
    const data = await inTransaction(c, deps.db, (trx) => newsService.staffOverview(trx));
    return page(
      c,
      "news/staff-news",
      { news: data.news, ...form, done: c.req.query("fait") === "1" },
      status,
    );
  };
  app.get("/actualites", (c) => newsPage(c, EMPTY));
  app.post("/actualites", uploadLimit, async (c) => {
    const form = await readFields(c, "image");
    const r = await inTransaction(c, deps.db, (trx) =>
      newsService.saveNews(trx, tenant(c), callerScope(c).userId, null, form),
    );
    return r.ok
      ? seeOther(c, "/agents/actualites?fait=1")
      : newsPage(c, { values: form.values, errors: r.errors }, 422);
  });

  const editPage = async (c: Context<AppEnv>, form: Form | null, status: ContentfulStatusCode = 200) => {
    const id = uuidParam(c, "id");
    const n = await inTransaction(c, deps.db, (trx) => newsService.findNews(trx, id));
    const values = form?.values ?? { ...n, publish_until: n.publish_until ?? "" };
    return page(c, "news/staff-news-edit", { item: n, values, errors: form?.errors ?? {} }, status);
  };
  app.get("/actualites/:id", (c) => editPage(c, null));
  app.post("/actualites/:id", uploadLimit, async (c) => {
    const form = await readFields(c, "image");
    const id = uuidParam(c, "id");
    const r = await inTransaction(c, deps.db, (trx) =>
      newsService.saveNews(trx, tenant(c), callerScope(c).userId, id, form),
    );
    return r.ok
      ? seeOther(c, "/agents/actualites?fait=1")
      : editPage(c, { values: form.values, errors: r.errors }, 422);
  });

  const infosPage = async (
    c: Context<AppEnv>,
    forms: { page?: Form; upload?: Form },
    status: ContentfulStatusCode = 200,
  ) => {
    const data = await inTransaction(c, deps.db, (trx) => newsService.staffOverview(trx));
    const cfg = tenant(c).config.householdFile.documents;
    const hint = `Formats acceptés : ${formatsLabel(cfg)}. Taille maximale : ${sizeLabel(cfg.maxBytes)}.`;
    return page(
      c,
      "news/staff-infos",
      {
        ...data,
        pageForm: forms.page ?? EMPTY,
        uploadForm: forms.upload ?? EMPTY,
        hint,
        done: c.req.query("fait") === "1",
      },
      status,
    );
  };
  app.get("/infos", (c) => infosPage(c, {}));
  app.post("/infos", async (c) => {
    const { values } = await readFields(c, "");
    const r = await inTransaction(c, deps.db, (trx) => newsService.saveInfoPage(trx, tenant(c), null, values));
    return r.ok
      ? seeOther(c, "/agents/infos?fait=1")
      : infosPage(c, { page: { values, errors: r.errors } }, 422);
  });
  app.post("/formulaires", uploadLimit, async (c) => {
    const form = await readFields(c, "file");
    const r = await inTransaction(c, deps.db, (trx) => newsService.addTownForm(trx, tenant(c), form));
    return r.ok
      ? seeOther(c, "/agents/infos?fait=1")
      : infosPage(c, { upload: { values: form.values, errors: r.errors } }, 422);
  });

  const infoEdit = async (c: Context<AppEnv>, form: Form | null, status: ContentfulStatusCode = 200) => {
    const id = uuidParam(c, "id");
    const p = await inTransaction(c, deps.db, (trx) => newsService.findInfoPage(trx, id));
    return page(
      c,
      "news/staff-info-edit",
      { item: p, values: form?.values ?? p, errors: form?.errors ?? {} },
      status,
    );
  };
  app.get("/infos/:id", (c) => infoEdit(c, null));
  app.post("/infos/:id", async (c) => {
    const { values } = await readFields(c, "");
    const id = uuidParam(c, "id");
    const r = await inTransaction(c, deps.db, (trx) => newsService.saveInfoPage(trx, tenant(c), id, values));
    return r.ok ? seeOther(c, "/agents/infos?fait=1") : infoEdit(c, { values, errors: r.errors }, 422);
  });
  return app;
}
