import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { validate } from "../../http/forms.ts";
import type { DocumentsConfig } from "../../tenancy/config-schema.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { checkFile } from "../documents/files-service.ts";
import { renderMarkdown } from "./markdown.ts";
import * as repo from "./repo.ts";
import { infoPageSchema, newsSchema, townFormSchema } from "./schemas.ts";

/*
 * Who reads is the transaction's persona: a visitor (public news only), a parent, or staff.
 */

const IMAGES: DocumentsConfig = {
  extensions: [".png", ".jpg", ".jpeg", ".gif"],
  maxBytes: 1024 * 1024,
  types: [],
  forms: [],
};

const rendered = <T extends { body: string }>(rows: T[]) =>
  rows.map((r) => ({ ...r, html: renderMarkdown(r.body) }));

/** « Actualités » of the public page (visitors) or of the parent home page. */
export async function latest(trx: Trx, limit = 5) {
  return rendered(await repo.visibleNews(trx, limit));
}

/** A news item's image, to whoever may read the item; else 404. */
export async function image(trx: Trx, id: string) {
  const row = await repo.newsImage(trx, id);
  if (!row?.image || !row.image_mime) throw notFound();
  return { content: row.image, mime: row.image_mime };
}

/** « Infos / Documents »: the town's pages and its « Formulaires » (the database's and the tenant file's). */
export async function infos(trx: Trx, tenant: Tenant) {
  return {
    pages: await repo.infoPages(trx),
    forms: await repo.townForms(trx),
    fileForms: tenant.config.householdFile.documents.forms,
  };
}

/** An information page as parents read it. */
export async function infoPage(trx: Trx, id: string) {
  const page = await findInfoPage(trx, id);
  return { ...page, html: renderMarkdown(page.body) };
}

export async function townForm(trx: Trx, id: string) {
  const file = await repo.townFormFile(trx, id);
  if (!file) throw notFound();
  return file;
}

/** Staff: everything the town publishes. */
export async function staffOverview(trx: Trx) {
  return {
    news: rendered(await repo.allNews(trx)),
    pages: await repo.infoPages(trx),
    forms: await repo.townForms(trx),
  };
}

export async function findNews(trx: Trx, id: string) {
  const n = await repo.findNews(trx, id);
  if (!n) throw notFound();
  return n;
}

type Saved = { ok: true } | { ok: false; errors: Record<string, string> };

/** Creates (id null) or changes a news item; an image is checked by its content. */
export async function saveNews(
  trx: Trx,
  tenant: Tenant,
  userId: string,
  id: string | null,
  form: { values: Record<string, string>; file: File | undefined },
): Promise<Saved> {
  const parsed = validate(newsSchema, form.values);
  const picked = form.file && !(form.file.size === 0 && form.file.name === "") ? form.file : undefined;
  const img = picked ? await checkFile(IMAGES, picked) : null;
  const errors = { ...(parsed.ok ? {} : parsed.errors), ...(img && !img.ok ? { image: img.error } : {}) };
  if (!parsed.ok || (img && !img.ok)) return { ok: false, errors };
  const image = img?.ok ? { bytes: img.file.bytes, mime: img.file.mime } : null;
  if (!id) await repo.insertNews(trx, tenant.id, userId, parsed.data, image);
  else if (!(await repo.updateNews(trx, id, parsed.data, image))) throw notFound();
  return { ok: true };
}

export async function findInfoPage(trx: Trx, id: string) {
  const p = await repo.findInfoPage(trx, id);
  if (!p) throw notFound();
  return p;
}

export async function saveInfoPage(
  trx: Trx,
  tenant: Tenant,
  id: string | null,
  values: Record<string, string>,
): Promise<Saved> {
  const parsed = validate(infoPageSchema, values);
  if (!parsed.ok) return parsed;
  if (!(await repo.saveInfoPage(trx, tenant.id, id, parsed.data))) throw notFound();
  return { ok: true };
}

/** A « Formulaire » uploaded by staff, checked by its content like « Mes documents ». */
export async function addTownForm(
  trx: Trx,
  tenant: Tenant,
  form: { values: Record<string, string>; file: File | undefined },
): Promise<Saved> {
  const parsed = validate(townFormSchema, form.values);
  const checked = await checkFile(tenant.config.householdFile.documents, form.file);
  const errors = { ...(parsed.ok ? {} : parsed.errors), ...(checked.ok ? {} : { file: checked.error }) };
  if (!parsed.ok || !checked.ok) return { ok: false, errors };
  const { label, category, valid_until } = parsed.data;
  await repo.insertTownForm(
    trx,
    { tenantId: tenant.id, label, category, validUntil: valid_until },
    checked.file,
  );
  return { ok: true };
}
