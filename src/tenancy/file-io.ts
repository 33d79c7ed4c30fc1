import { parse } from "yaml";
import { z } from "zod";
import { type TenantConfig, tenantConfigSchema } from "./config-schema.ts";

export type ParsedFile =
  | { ok: true; config: TenantConfig }
  | { ok: false; issues: { path: string; message: string }[] };

/** A tenant file's text (YAML, or JSON which is YAML too), checked by the tenant schema. */
export function parseTenantFile(text: string): ParsedFile {
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    return {
      ok: false,
      issues: [{ path: "(fichier)", message: `YAML illisible : ${(e as Error).message.split("\n")[0]}` }],
    };
  }
  const parsed = tenantConfigSchema.safeParse(data);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(racine)", message: i.message })),
  };
}

/** The tenant file's JSON Schema, for editors (YAML language servers, IDEs). */
export function tenantJsonSchema() {
  return {
    ...z.toJSONSchema(tenantConfigSchema, { io: "input", unrepresentable: "any" }),
    title: "Fichier de commune Parvis (tenants/<slug>.yaml)",
  };
}
