import type { Trx } from "../db/database.ts";
import { tenantConfigSchema } from "./config-schema.ts";
import type { Tenant } from "./resolve.ts";

/** The town of the transaction's context, for jobs that start from a tenant id alone. */
export async function currentTenant(trx: Trx): Promise<Tenant> {
  const row = await trx
    .selectFrom("tenants")
    .select(["id", "slug", "name", "status", "config", "logo_svg"])
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    config: tenantConfigSchema.parse(row.config),
    logoSvg: row.logo_svg,
  };
}
