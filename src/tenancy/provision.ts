import type { Database } from "../db/database.ts";
import { provisionBilling } from "../features/billing/settings/provision-service.ts";
import { provisionOffer } from "../features/planning/offer/provision-service.ts";
import type { TenantConfig } from "./config-schema.ts";
import type { TenantFile } from "./files.ts";
import { townRow } from "./towns.ts";

const OPERATOR = { role: "app_operator" as const, tenantId: null };

/**
 * At boot, creates the towns of tenants/*.yaml that the database does not have yet. A town
 * that exists is left as it is: once provisioned, the database is the truth (operators and
 * town admins edit it), and re-applying a file is an explicit operator action (the console's
 * import), never a side effect of a boot (docs/decisions/0010-i13-tenant-precedence.md).
 */
export async function provisionTenants(db: Database, files: TenantFile[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const created: TenantFile[] = [];
  await db.withTenant(OPERATOR, async (trx) => {
    const taken = new Map<string, string>();
    for (const { config } of files) {
      for (const h of config.hostnames) {
        const other = taken.get(h);
        if (other) throw new Error(`hostname ${h} is claimed by both ${other} and ${config.slug}`);
        taken.set(h, config.slug);
      }
    }
    for (const file of files) {
      const { config, logoSvg } = file;
      const inserted = await trx
        .insertInto("tenants")
        .values(townRow(config, logoSvg))
        .onConflict((oc) => oc.column("slug").doNothing())
        .returning("id")
        .executeTakeFirst();
      if (inserted) created.push(file);
      const row = await trx
        .selectFrom("tenants")
        .select("id")
        .where("slug", "=", config.slug)
        .executeTakeFirstOrThrow();
      ids.set(config.slug, row.id);
    }
  });
  for (const { config } of created) await provisionTownData(db, ids.get(config.slug) as string, config);
  return ids;
}

/**
 * The offer, régies and tariffs of a tenant file: what is missing is added, what exists
 * (edited since in the back-office) is kept.
 */
export async function provisionTownData(db: Database, tenantId: string, config: TenantConfig) {
  await db.withTenant({ role: "app_staff", tenantId }, async (trx) => {
    await provisionOffer(trx, tenantId, config.planning);
    await provisionBilling(trx, tenantId, config.billing);
  });
}
