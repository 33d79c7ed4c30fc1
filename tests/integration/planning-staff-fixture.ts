/** Staff-side planning tests: a town as the services see it, and bookings made by its admin. */
import { book } from "../../src/features/planning/booking/booking-service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { townOf } from "../helpers/planning-fixture.ts";
import type { TestPlatform } from "../helpers/platform.ts";

export async function tenantOf(p: TestPlatform, slug: string): Promise<Tenant> {
  return await townOf(p, slug);
}

export async function idOf(p: TestPlatform, table: "services" | "periods", tenantId: string, key: string) {
  const row = await p.owner
    .selectFrom(table)
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The town's admin books days for children of a household (accepted at once, past the cut-off). */
export async function staffBook(
  p: TestPlatform,
  tenant: Tenant,
  householdId: string,
  periodKey: string,
  childIds: string[],
  days: string[],
) {
  const admin = await p.owner
    .selectFrom("users")
    .select("id")
    .where("tenant_id", "=", tenant.id)
    .where("email", "=", `admin@${tenant.slug}.test`)
    .executeTakeFirstOrThrow();
  const planning = {
    tenant,
    actor: { kind: "staff" as const, userId: admin.id },
    actorName: "Agent",
    householdId,
    now: new Date("2027-01-04T08:00:00Z"),
  };
  const input = {
    periodId: await idOf(p, "periods", tenant.id, periodKey),
    childIds,
    days,
    idempotencyKey: crypto.randomUUID(),
  };
  const ctx = { role: "app_staff" as const, tenantId: tenant.id, userId: admin.id };
  return p.db.withTenant(ctx, (trx) => book(trx, planning, input));
}
