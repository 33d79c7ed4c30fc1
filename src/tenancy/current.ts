import type { Trx } from "../db/database.ts";
import { type Tenant, tenantFromRow } from "./resolve.ts";

/** The town of the transaction's context, for jobs that start from a tenant id alone. */
export async function currentTenant(trx: Trx): Promise<Tenant> {
  const row = await trx
    .selectFrom("tenants")
    .select(["id", "slug", "name", "status", "config", "logo_svg"])
    .executeTakeFirstOrThrow();
  return tenantFromRow(row);
}
