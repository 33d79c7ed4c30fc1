import type { Database } from "../db/database.ts";
import type { BillingConfig } from "./billing-schema.ts";

/**
 * Writes a town's régies and tariffs from its tenant file, like the offer: only what is
 * missing, so that the town's own later changes survive a restart (architecture §7).
 */
export async function provisionBilling(
  db: Database,
  tenantId: string,
  billing: BillingConfig,
): Promise<void> {
  await db.withTenant({ role: "app_staff", tenantId }, async (trx) => {
    const services = new Map(
      (await trx.selectFrom("services").select(["id", "key", "regie_id"]).execute()).map((s) => [s.key, s]),
    );
    for (const r of billing.regies) {
      const existing = await trx
        .selectFrom("regies")
        .select("id")
        .where("key", "=", r.key)
        .executeTakeFirst();
      const regieId =
        existing?.id ??
        (
          await trx
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
            .executeTakeFirstOrThrow()
        ).id;
      const unassigned = r.services.flatMap((k) => {
        const s = services.get(k);
        return s && !s.regie_id ? [s.id] : [];
      });
      if (unassigned.length)
        await trx.updateTable("services").set({ regie_id: regieId }).where("id", "in", unassigned).execute();
    }
    for (const t of billing.tariffs) {
      const service = services.get(t.service);
      if (!service) continue;
      await trx
        .insertInto("tariffs")
        .values({
          tenant_id: tenantId,
          service_id: service.id,
          effective_from: t.from,
          spec: JSON.stringify(t),
        })
        .onConflict((oc) => oc.columns(["tenant_id", "service_id", "effective_from"]).doNothing())
        .execute();
    }
  });
}
