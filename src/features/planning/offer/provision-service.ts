import type { Trx } from "../../../db/database.ts";
import type { PlanningConfig } from "../../../tenancy/planning-schema.ts";

/**
 * Writes a town's offer (facilities › services › periods) from its tenant file. Rows that
 * exist are left alone: once provisioned, the database is the source of truth and the
 * town's admin staff edit it (architecture §7), so a restart never undoes their changes.
 * Runs in the provisioning's transaction, as the town's staff.
 */
export async function provisionOffer(trx: Trx, tenantId: string, planning: PlanningConfig): Promise<void> {
  const facilityIds = new Map<string, string>();
  for (const [position, f] of planning.facilities.entries())
    facilityIds.set(f.key, await upsertId(trx, "facilities", tenantId, f.key, { name: f.name, position }));
  const serviceIds = new Map<string, string>();
  for (const [position, s] of planning.services.entries()) {
    const id = await upsertId(trx, "services", tenantId, s.key, {
      facility_id: facilityIds.get(s.facility) as string,
      name: s.name,
      unit: s.unit,
      eligibility: JSON.stringify(s.eligibility),
      rules: JSON.stringify(s.rules),
      position,
    });
    serviceIds.set(s.key, id);
  }
  for (const p of planning.periods) await upsertId(trx, "periods", tenantId, p.key, periodRow(p, serviceIds));
}

function periodRow(p: PlanningConfig["periods"][number], serviceIds: Map<string, string>) {
  return {
    service_id: serviceIds.get(p.service) as string,
    name: p.name,
    category: p.category ?? null,
    starts_on: p.start,
    ends_on: p.end,
    weekdays: p.weekdays,
    closures: JSON.stringify(p.closures),
    school_days_only: p.schoolDaysOnly,
    booking_opens_on: p.bookingOpensOn ?? null,
    booking_closes_on: p.bookingClosesOn ?? null,
    rules: JSON.stringify(p.rules),
  };
}

type OfferTable = "facilities" | "services" | "periods";

async function upsertId(
  trx: Trx,
  table: OfferTable,
  tenantId: string,
  key: string,
  values: Record<string, unknown>,
): Promise<string> {
  const existing = await trx.selectFrom(table).select("id").where("key", "=", key).executeTakeFirst();
  if (existing) return existing.id;
  // writes: facilities, services, periods
  const row = await trx
    .insertInto(table)
    // biome-ignore lint/suspicious/noExplicitAny: one insert shape per offer table, checked by the schema
    .values({ tenant_id: tenantId, key, ...values } as any)
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}
