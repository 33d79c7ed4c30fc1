import type { Tenant } from "../../tenancy/resolve.ts";
import { checkFile } from "../documents/files-service.ts";
import type { NewFile } from "./repo.ts";

/** Up to three files per message, each checked by its content like « Mes documents ». */
export const MAX_FILES = 3;

export async function check(
  tenant: Tenant,
  files: File[],
): Promise<
  | { ok: true; files: NewFile[]; errors: Record<string, never> }
  | { ok: false; errors: Record<string, string> }
> {
  if (files.length > MAX_FILES)
    return { ok: false, errors: { files: `${MAX_FILES} pièces jointes au maximum par message.` } };
  const out: NewFile[] = [];
  for (const file of files) {
    const checked = await checkFile(tenant.config.householdFile.documents, file);
    if (!checked.ok) return { ok: false, errors: { files: `${file.name} : ${checked.error}` } };
    out.push(checked.file);
  }
  return { ok: true, files: out, errors: {} };
}
