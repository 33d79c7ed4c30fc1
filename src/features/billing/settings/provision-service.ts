import type { Trx } from "../../../db/database.ts";
import type { BillingConfig } from "../../../tenancy/billing-schema.ts";
import { linkServicesToRegie } from "../../planning/offer/regie-link-service.ts";

/**
 * Writes a town's régies and tariffs from its tenant file, like the offer: only what is
 * missing, so that the town's own later changes survive a restart (architecture §7). Runs in
 * the provisioning's transaction, as the town's staff, after the offer.
 */
export async function provisionBilling(trx: Trx, tenantId: string, billing: BillingConfig): Promise<void> {
  for (const r of billing.regies) {
    const regieId = await regieIdOf(trx, tenantId, r);
    await linkServicesToRegie(trx, regieId, r.services);
  }
  const services = new Map(
    (await trx.selectFrom("services").select(["id", "key"]).execute()).map((s) => [s.key, s.id]),
  );
  for (const t of billing.tariffs) {
    const serviceId = services.get(t.service);
    if (!serviceId) continue;
    await trx
      .insertInto("tariffs")
      .values({ tenant_id: tenantId, service_id: serviceId, effective_from: t.from, spec: JSON.stringify(t) })
      .onConflict((oc) => oc.columns(["tenant_id", "service_id", "effective_from"]).doNothing())
      .execute();
  }
}

/** The régie of the file's key: the one the town has, or a new one. */
async function regieIdOf(trx: Trx, tenantId: string, r: BillingConfig["regies"][number]): Promise<string> {
  const existing = await trx.selectFrom("regies").select("id").where("key", "=", r.key).executeTakeFirst();
  if (existing) return existing.id;
  const row = await trx
    .insertInto("regies")
    .values({
      tenant_id: tenantId,
      key: r.key,
      name: r.name,
      numcli: r.numcli,
      invoice_prefix: r.invoicePrefix,
      collection: r.collection,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
