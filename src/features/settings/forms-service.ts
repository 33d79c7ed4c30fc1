import { fileTypeFromBuffer } from "file-type";
import type { SessionUser } from "../../auth/sessions.ts";
import type { Database } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { recordWrite } from "../audit/service.ts";
import { keyOf } from "./lines.ts";

/** « Formulaires à télécharger »: blank PDFs the town's admins publish for families. */

export const FORM_MAX_BYTES = 5 * 1024 * 1024;
export type Checked =
  | { ok: true; file: string; label: string; pdf: Buffer }
  | { ok: false; errors: Record<string, string> };

export async function checkForm(label: string, upload: File | null): Promise<Checked> {
  const errors: Record<string, string> = {};
  const name = keyOf(label).replace(/_/g, "-").slice(0, 60);
  if (!name) errors.form_label = "Indiquez le libellé du formulaire.";
  if (!upload || upload.size === 0) errors.form_file = "Choisissez le fichier PDF du formulaire.";
  else if (upload.size > FORM_MAX_BYTES) errors.form_file = "Le fichier dépasse la taille maximale de 5 Mo.";
  if (Object.keys(errors).length || !upload) return { ok: false, errors };
  const pdf = Buffer.from(await upload.arrayBuffer());
  if ((await fileTypeFromBuffer(pdf))?.mime !== "application/pdf")
    return {
      ok: false,
      errors: { form_file: "Le contenu de ce fichier n'est pas un PDF, quel que soit son nom." },
    };
  return { ok: true, file: `${name}.pdf`, label: label.trim(), pdf };
}

const staff = (tenant: Tenant, s: SessionUser) => ({
  role: "app_staff" as const,
  tenantId: tenant.id,
  userId: s.userId,
});

/** Stores the PDF and lists it in the town's settings, in one transaction. */
export async function publish(
  db: Database,
  tenant: Tenant,
  s: SessionUser,
  f: { file: string; label: string; pdf: Buffer },
) {
  const cfg = tenant.config;
  const forms = [
    ...cfg.householdFile.documents.forms.filter((x) => x.file !== f.file),
    { file: f.file, label: f.label },
  ];
  await db.withTenant(staff(tenant, s), async (trx) => {
    await trx
      .insertInto("town_forms")
      .values({ tenant_id: tenant.id, file: f.file, content: f.pdf })
      .onConflict((oc) => oc.columns(["tenant_id", "file"]).doUpdateSet({ content: f.pdf }))
      .execute();
    await writeForms(trx, tenant, s, forms, "form_published");
  });
}

export async function withdraw(db: Database, tenant: Tenant, s: SessionUser, file: string) {
  const forms = tenant.config.householdFile.documents.forms;
  if (!forms.some((f) => f.file === file)) throw notFound();
  await db.withTenant(staff(tenant, s), async (trx) => {
    await trx.deleteFrom("town_forms").where("file", "=", file).execute();
    await writeForms(
      trx,
      tenant,
      s,
      forms.filter((f) => f.file !== file),
      "form_withdrawn",
    );
  });
}

async function writeForms(
  trx: Parameters<Parameters<Database["withTenant"]>[1]>[0],
  tenant: Tenant,
  s: SessionUser,
  forms: { file: string; label: string }[],
  action: string,
) {
  const cfg = tenant.config;
  const config = {
    ...cfg,
    householdFile: { ...cfg.householdFile, documents: { ...cfg.householdFile.documents, forms } },
  };
  const r = await trx
    .updateTable("tenants")
    .set({ config: JSON.stringify(config) })
    .where("id", "=", tenant.id)
    .executeTakeFirst();
  if (r.numUpdatedRows !== 1n) throw notFound();
  await recordWrite(
    trx,
    tenant.id,
    { kind: "staff", userId: s.userId },
    {
      householdId: null,
      action,
      entity: "tenant_settings",
      entityId: tenant.id,
      fields: ["forms"],
    },
  );
}

/** The uploaded PDF of a published form, or null (the demo's are files under tenants/forms/). */
export async function content(db: Database, tenantId: string, file: string): Promise<Buffer | null> {
  const row = await db.withTenant({ role: "app_parent", tenantId }, (trx) =>
    trx.selectFrom("town_forms").select("content").where("file", "=", file).executeTakeFirst(),
  );
  return row?.content ?? null;
}
