/**
 * Shared setup for the change-request tests: look up a demo account, submit a parent's change
 * as a pending request, decide it as staff, and read a request's status.
 */
import type { Values } from "../../src/features/requests/section-handler.ts";
import * as requestsService from "../../src/features/requests/service.ts";
import type { Section } from "../../src/tenancy/config-schema.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import type { TestPlatform } from "./platform.ts";

export interface Account {
  userId: string;
  householdId: string;
}

/** A demo user of the tenant, found by login or e-mail. */
export async function account(p: TestPlatform, tenant: Tenant, login: string): Promise<Account> {
  const u = await p.owner
    .selectFrom("users")
    .select(["id", "household_id"])
    .where("tenant_id", "=", tenant.id)
    .where((eb) => eb.or([eb("login", "=", login), eb("email", "=", login)]))
    .executeTakeFirstOrThrow();
  return { userId: u.id, householdId: u.household_id as string };
}

/** A parent's change, as the section's form would submit it: stored as a pending request. */
export async function request(
  p: TestPlatform,
  tenant: Tenant,
  who: Account,
  section: Section,
  values: Values,
  targetId: string | null = null,
) {
  const out = await p.db.withTenant({ role: "app_parent", tenantId: tenant.id, ...who }, (trx) =>
    requestsService.submitChange(
      trx,
      { tenant, actor: { kind: "parent", userId: who.userId }, householdId: who.householdId },
      section,
      targetId,
      values,
    ),
  );
  if (out.kind !== "requested") throw new Error(`expected a request, got ${out.kind}`);
  return out.requestId;
}

/** Staff accept or refuse a request. */
export const decide = (
  p: TestPlatform,
  tenant: Tenant,
  staffId: string,
  id: string,
  decision: requestsService.Decision,
) =>
  p.db.withTenant({ role: "app_staff", tenantId: tenant.id, userId: staffId }, (trx) =>
    requestsService.decide(trx, tenant, { kind: "staff", userId: staffId }, id, decision),
  );

/** A request's current status. */
export const requestStatus = async (p: TestPlatform, id: string) =>
  (
    await p.owner
      .selectFrom("change_requests")
      .select("status")
      .where("id", "=", id)
      .executeTakeFirstOrThrow()
  ).status;
