import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

const NEWS = ["id", "title", "body", "audience", "publish_from", "publish_until", "created_at"] as const;
const hasImage = sql<boolean>`image is not null`.as("has_image");
const newsRows = (trx: Trx) => trx.selectFrom("news").select([...NEWS, hasImage]);

/** News the persona may read (RLS: public ones for visitors, live ones for parents), newest first. */
export function visibleNews(trx: Trx, limit: number) {
  return newsRows(trx).orderBy("publish_from", "desc").orderBy("created_at", "desc").limit(limit).execute();
}

export function newsImage(trx: Trx, id: string) {
  return trx
    .selectFrom("news")
    .select(["image", "image_mime"])
    .where("id", "=", id)
    .where("image", "is not", null)
    .executeTakeFirst();
}

/** Staff: every news item of the town, whatever its dates. */
export function allNews(trx: Trx) {
  return newsRows(trx).orderBy("publish_from", "desc").limit(200).execute();
}

export function findNews(trx: Trx, id: string) {
  return newsRows(trx).where("id", "=", id).executeTakeFirst();
}

export interface NewsRow {
  title: string;
  body: string;
  audience: "public" | "parents";
  publish_from: string;
  publish_until: string | null;
}

export async function insertNews(
  trx: Trx,
  tenantId: string,
  userId: string,
  n: NewsRow,
  image: { bytes: Buffer; mime: string } | null,
): Promise<void> {
  await trx
    .insertInto("news")
    .values({
      ...n,
      tenant_id: tenantId,
      created_by: userId,
      image: image?.bytes ?? null,
      image_mime: image?.mime ?? null,
    })
    .execute();
}

export async function updateNews(
  trx: Trx,
  id: string,
  n: NewsRow,
  image: { bytes: Buffer; mime: string } | null,
): Promise<number> {
  const r = await trx
    .updateTable("news")
    .set({ ...n, updated_at: sql`now()`, ...(image ? { image: image.bytes, image_mime: image.mime } : {}) })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

const pages = (trx: Trx) => trx.selectFrom("info_pages").select(["id", "title", "body", "updated_at"]);

export function infoPages(trx: Trx) {
  return pages(trx).orderBy("title").execute();
}

export function findInfoPage(trx: Trx, id: string) {
  return pages(trx).where("id", "=", id).executeTakeFirst();
}

export async function saveInfoPage(
  trx: Trx,
  tenantId: string,
  id: string | null,
  p: { title: string; body: string },
): Promise<number> {
  if (!id) {
    await trx
      .insertInto("info_pages")
      .values({ ...p, tenant_id: tenantId })
      .execute();
    return 1;
  }
  const r = await trx
    .updateTable("info_pages")
    .set({ ...p, updated_at: sql`now()` })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** « Formulaires » the persona may read (RLS hides expired ones from parents). */
export function townForms(trx: Trx) {
  return trx
    .selectFrom("town_forms")
    .select(["id", "label", "category", "valid_until", "filename", "size"])
    .orderBy("category")
    .orderBy("label")
    .execute();
}

export function townFormFile(trx: Trx, id: string) {
  return trx
    .selectFrom("town_forms")
    .select(["filename", "mime", "content"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function insertTownForm(
  trx: Trx,
  f: { tenantId: string; label: string; category: string; validUntil: string | null },
  file: { filename: string; mime: string; size: number; bytes: Buffer },
): Promise<void> {
  await trx
    .insertInto("town_forms")
    .values({
      tenant_id: f.tenantId,
      label: f.label,
      category: f.category,
      valid_until: f.validUntil,
      filename: file.filename,
      mime: file.mime,
      size: file.size,
      content: file.bytes,
    })
    .execute();
}
