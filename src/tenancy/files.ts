import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { type TenantConfig, tenantConfigSchema } from "./config-schema.ts";

export const tenantsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../tenants");

export interface TenantFile {
  config: TenantConfig;
  logoSvg: string;
}

/** Reads and validates every tenants/<slug>.yaml; a bad file stops the boot with its path. */
export function loadTenantFiles(dir = tenantsDir): TenantFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const parsed = tenantConfigSchema.safeParse(parse(readFileSync(path.join(dir, file), "utf8")));
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
        throw new Error(`tenants/${file} is invalid:\n${issues}`);
      }
      if (`${parsed.data.slug}.yaml` !== file)
        throw new Error(`tenants/${file}: slug must match the file name`);
      return {
        config: parsed.data,
        logoSvg: readFileSync(path.join(dir, parsed.data.branding.logo), "utf8"),
      };
    });
}
