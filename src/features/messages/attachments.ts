import type { Tenant } from "../../tenancy/resolve.ts";
import { checkFile } from "../documents/files-service.ts";
import type { NewFile } from "./repo.ts";

/** Up to three files per message, each checked by its content like « Mes documents ». */
export const MAX_FILES = 3;

/** The files a form sent, without the empty part a browser sends when none was chosen. */
export function chosen(value: unknown): File[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((f): f is File => f instanceof File && !(f.size === 0 && f.name === ""));
}

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
