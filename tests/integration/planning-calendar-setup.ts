/** Shared set-up of the « Mon planning » tests: a demo family whose file is complete, signed in. */
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { book } from "../../src/features/planning/booking/booking-service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { completeFile, payAfterwards, townOf } from "../helpers/planning-fixture.ts";
import type { TestPlatform } from "../helpers/platform.ts";

export interface Family {
  tenant: Tenant;
  householdId: string;
  userId: string;
  children: { id: string; first_name: string }[];
  web: ReturnType<typeof client>;
}

export async function family(p: TestPlatform, slug: string, number: string, login: string): Promise<Family> {
  const householdId = await completeFile(p, slug, number);
  await payAfterwards(p, slug);
  const tenant: Tenant = await townOf(p, slug);
  const user = await p.owner
    .selectFrom("users")
    .select("id")
    .where("household_id", "=", householdId)
    .orderBy("created_at")
    .executeTakeFirstOrThrow();
  const children = await p.owner
    .selectFrom("children")
    .select(["id", "first_name"])
    .where("household_id", "=", householdId)
    .orderBy("birth_date")
    .execute();
  const web = client(p.app, `${slug}.localhost:3000`);
  const res = await web.login(login, DEMO_PASSWORD);
  if (res.status !== 303) throw new Error(`login of ${login} failed: ${res.status}`);
  return { tenant, householdId, userId: user.id, children, web };
}

/** Books days through the booking service, as the parent at `now`. */
export async function bookDays(
  p: TestPlatform,
  f: Family,
  periodKey: string,
  childIds: string[],
  days: string[],
  now: Date,
) {
  const period = await p.owner
    .selectFrom("periods")
    .select("id")
    .where("tenant_id", "=", f.tenant.id)
    .where("key", "=", periodKey)
    .executeTakeFirstOrThrow();
  const ctx = {
    role: "app_parent" as const,
    tenantId: f.tenant.id,
    userId: f.userId,
    householdId: f.householdId,
  };
  const result = await p.db.withTenant(ctx, (trx) =>
    book(
      trx,
      {
        tenant: f.tenant,
        actor: { kind: "parent", userId: f.userId },
        actorName: "Lola",
        householdId: f.householdId,
        now,
      },
      { periodId: period.id, childIds, days, idempotencyKey: crypto.randomUUID() },
    ),
  );
  const bookings = await p.owner
    .selectFrom("bookings")
    .select(["id", "day", "child_id", "status"])
    .where("dossier_id", "=", result.dossierId)
    .orderBy("day")
    .execute();
  return { ...result, periodId: period.id, rows: bookings };
}

/** A form post with repeated fields (checkboxes), with the client's cookies and origin. */
export function postPairs(p: TestPlatform, f: Family, path: string, pairs: [string, string][]) {
  const host = `${f.tenant.slug}.localhost:3000`;
  return p.app.request(`http://127.0.0.1${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      Host: host,
      Origin: `http://${host}`,
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: [...f.web.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    },
    body: new URLSearchParams(pairs).toString(),
  });
}

export const statusOf = async (p: TestPlatform, id: string) =>
  (await p.owner.selectFrom("bookings").select("status").where("id", "=", id).executeTakeFirstOrThrow())
    .status;

/** A pending booking written through the owner connection (a dossier of one day). */
export async function ownerBooking(
  p: TestPlatform,
  f: Family,
  periodKey: string,
  childId: string,
  day: string,
) {
  const period = await p.owner
    .selectFrom("periods")
    .select(["id", "service_id"])
    .where("tenant_id", "=", f.tenant.id)
    .where("key", "=", periodKey)
    .executeTakeFirstOrThrow();
  const dossier = await p.owner
    .insertInto("booking_dossiers")
    .values({
      tenant_id: f.tenant.id,
      number: 999_001,
      household_id: f.householdId,
      kind: "booking",
      period_id: period.id,
      created_by: f.userId,
      created_by_name: "Jean",
      idempotency_key: crypto.randomUUID(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return p.owner
    .insertInto("bookings")
    .values({
      tenant_id: f.tenant.id,
      household_id: f.householdId,
      child_id: childId,
      period_id: period.id,
      service_id: period.service_id,
      day,
      status: "pending",
      holds_place: false,
      dossier_id: dossier.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}
