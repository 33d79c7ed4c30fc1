import { sql } from "kysely";
import type { Database } from "../db/database.ts";
import type { TenantFile } from "./files.ts";
import { provisionBilling } from "./provision-billing.ts";
import { provisionOffer } from "./provision-offer.ts";

/**
 * Applies the tenant files idempotently, as an operator would. A town's status is the
 * operators' to change at run time, so provisioning never reopens a suspended town.
 */
export async function provisionTenants(db: Database, files: TenantFile[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  await db.withTenant({ role: "app_operator", tenantId: null }, async (trx) => {
    const taken = new Map<string, string>();
    for (const { config } of files) {
      for (const h of config.hostnames) {
        const other = taken.get(h);
        if (other) throw new Error(`hostname ${h} is claimed by both ${other} and ${config.slug}`);
        taken.set(h, config.slug);
      }
    }
    for (const { config, logoSvg } of files) {
      const row = await trx
        .insertInto("tenants")
        .values({
          slug: config.slug,
          name: config.name,
          hostnames: config.hostnames,
          config: JSON.stringify(config),
          logo_svg: logoSvg,
        })
        .onConflict((oc) =>
          oc.column("slug").doUpdateSet({
            name: config.name,
            hostnames: config.hostnames,
            config: JSON.stringify(config),
            logo_svg: logoSvg,
            updated_at: sql`now()`,
          }),
        )
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.set(config.slug, row.id);
    }
  });
  for (const { config } of files) {
    const id = ids.get(config.slug) as string;
    await provisionOffer(db, id, config.planning);
    await provisionBilling(db, id, config.billing);
  }
  return ids;
}
