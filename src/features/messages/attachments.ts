import type { z } from "zod";
import type { Tenant } from "../../tenancy/resolve.ts";
import { checkFile } from "../documents/sniff.ts";
import type { NewFile } from "./repo.ts";

/** Up to three files per message, each checked by its content like « Mes documents ». */
export const MAX_FILES = 3;

type Parsed<T> =
  | { ok: true; data: T; errors: Record<string, string> }
  | { ok: false; errors: Record<string, string> };

/** The form's fields through a schema, each error at its field. */
export function parse<S extends z.ZodType>(schema: S, values: Record<string, string>): Parsed<z.infer<S>> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, errors: {} };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "_form")] ??= issue.message;
  return { ok: false, errors };
}

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
