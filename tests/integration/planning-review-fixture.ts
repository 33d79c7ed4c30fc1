/**
 * Staff planning tests: towns, parents' bookings made through the booking service, period
 * rules changed as the offer admin would, and the family's e-mails once the worker sent them.
 */
import { book } from "../../src/features/planning/booking/booking-service.ts";
import { cancel } from "../../src/features/planning/booking/cancel-service.ts";
import type { ReceivedMail } from "../../src/integrations/mail/sink.ts";
import type { BookingRules } from "../../src/tenancy/planning-schema.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import type { TestPlatform } from "../helpers/platform.ts";

export interface Family {
  tenant: Tenant;
  householdId: string;
  userId: string;
  email: string;
  children: Record<string, string>;
}

export async function family(p: TestPlatform, slug: string, number: string): Promise<Family> {
  const site = await p.deps.sites.resolve(`${slug}.localhost:3000`);
  if (site.kind !== "tenant") throw new Error(`no town ${slug}`);
  const householdId = await completeFile(p, slug, number);
  const user = await p.owner
    .selectFrom("users")
    .select(["id", "email"])
    .where("household_id", "=", householdId)
    .orderBy("created_at")
    .executeTakeFirstOrThrow();
  const children = await p.owner
    .selectFrom("children")
    .select(["id", "first_name"])
    .where("household_id", "=", householdId)
    .execute();
  return {
    tenant: site.tenant,
    householdId,
    userId: user.id,
    email: user.email as string,
    children: Object.fromEntries(children.map((c) => [c.first_name, c.id])),
  };
}

export async function periodOf(p: TestPlatform, f: Family, key: string) {
  return p.owner
    .selectFrom("periods")
    .select(["id", "service_id"])
    .where("tenant_id", "=", f.tenant.id)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
}

/** The offer admin's change of a period's rules (they override the service's). */
export async function setRules(p: TestPlatform, periodId: string, rules: Partial<BookingRules>) {
  await p.owner
    .updateTable("periods")
    .set({ rules: JSON.stringify(rules) })
    .where("id", "=", periodId)
    .execute();
}

const parent = (f: Family) => ({
  role: "app_parent" as const,
  tenantId: f.tenant.id,
  userId: f.userId,
  householdId: f.householdId,
});
const planning = (f: Family, now: Date) => ({
  tenant: f.tenant,
  actor: { kind: "parent" as const, userId: f.userId },
  actorName: "Parent référent",
  householdId: f.householdId,
  now,
});

/** A parent's validation: returns the booking ids in day order, children in birth order. */
export async function parentBooks(
  p: TestPlatform,
  f: Family,
  periodId: string,
  childNames: string[],
  days: string[],
  now: Date,
) {
  const result = await p.db.withTenant(parent(f), (trx) =>
    book(trx, planning(f, now), {
      periodId,
      childIds: childNames.map((n) => f.children[n] as string),
      days,
      idempotencyKey: crypto.randomUUID(),
    }),
  );
  const rows = await p.owner
    .selectFrom("bookings")
    .select(["id", "child_id", "day", "status"])
    .where("dossier_id", "=", result.dossierId)
    .orderBy("day")
    .orderBy("created_at")
    .execute();
  return { ...result, rows };
}

export async function parentCancels(p: TestPlatform, f: Family, bookingIds: string[], now: Date) {
  return p.db.withTenant(parent(f), (trx) =>
    cancel(trx, planning(f, now), { bookingIds, idempotencyKey: crypto.randomUUID(), confirmLate: true }),
  );
}

export async function booking(p: TestPlatform, id: string) {
  return p.owner.selectFrom("bookings").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

export async function taken(p: TestPlatform, periodId: string, day: string) {
  const row = await p.owner
    .selectFrom("occupancy")
    .select("taken")
    .where("period_id", "=", periodId)
    .where("day", "=", day)
    .executeTakeFirst();
  return row?.taken ?? 0;
}

/** The first e-mail to `to` whose subject contains `subject`, once the relay has sent it. */
export async function mailAbout(
  p: TestPlatform,
  to: string,
  subject: string,
  since = 0,
): Promise<ReceivedMail> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const hit = p.mailbox
      .list()
      .find((m) => m.id > since && m.to.includes(to) && m.subject.includes(subject));
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no mail « ${subject} » to ${to}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
