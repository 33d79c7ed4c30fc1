/**
 * Capacity is never exceeded, whatever the concurrency (issue 4, « What must hold »): many
 * parents race for the last places of one day, each in their own transaction on a pool of
 * several connections. Only outcomes are asserted, never timings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { book, type PlanningContext } from "../../src/features/planning/booking/booking-service.ts";
import { cancel } from "../../src/features/planning/booking/cancel-service.ts";
import { PlanningError } from "../../src/features/planning/common/errors.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { townOf } from "../helpers/planning-fixture.ts";
import { type Family, generateFamilies } from "../helpers/planning-generator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const CAPACITY = 10;
const RACERS = 40;
const NOW = new Date("2027-01-04T08:00:00Z");

let p: TestPlatform;

async function town(slug: string): Promise<Tenant> {
  return await townOf(p, slug);
}

/** The period `key` of a town, its rules overridden (as staff would in the offer admin). */
async function periodWith(tenant: Tenant, key: string, rules: Record<string, unknown>): Promise<string> {
  const row = await p.owner
    .selectFrom("periods")
    .select(["id", "rules"])
    .where("tenant_id", "=", tenant.id)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
  await p.owner
    .updateTable("periods")
    .set({ rules: JSON.stringify({ ...row.rules, ...rules }) })
    .where("id", "=", row.id)
    .execute();
  return row.id;
}

function asParent(tenant: Tenant, f: Family) {
  const ctx: PlanningContext = {
    tenant,
    actor: { kind: "parent", userId: f.userId },
    actorName: "Camille ESSAI",
    householdId: f.householdId,
    now: NOW,
  };
  const run = <T>(fn: Parameters<typeof p.db.withTenant<T>>[1]) =>
    p.db.withTenant(
      { role: "app_parent", tenantId: tenant.id, userId: f.userId, householdId: f.householdId },
      fn,
    );
  return {
    book: (periodId: string, day: string, key: string = crypto.randomUUID()) =>
      run((trx) => book(trx, ctx, { periodId, childIds: [f.childId], days: [day], idempotencyKey: key })),
    cancel: (bookingIds: string[]) =>
      run((trx) => cancel(trx, ctx, { bookingIds, idempotencyKey: crypto.randomUUID(), confirmLate: false })),
  };
}

/** What the database says about a day: places counted, bookings holding one, by status. */
async function dayState(periodId: string, day: string) {
  const occupancy = await p.owner
    .selectFrom("occupancy")
    .select("taken")
    .where("period_id", "=", periodId)
    .where("day", "=", day)
    .executeTakeFirst();
  const rows = await p.owner
    .selectFrom("bookings")
    .select(["status", "holds_place"])
    .where("period_id", "=", periodId)
    .where("day", "=", day)
    .execute();
  const statuses: Record<string, number> = {};
  for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return { taken: occupancy?.taken ?? 0, holding: rows.filter((r) => r.holds_place).length, statuses };
}

/** Rejections other than the expected ones (deadlocks, serialisation failures…). */
function unexpected(results: PromiseSettledResult<unknown>[], allowed: (e: unknown) => boolean) {
  return results
    .filter((r): r is PromiseRejectedResult => r.status === "rejected")
    .map((r) => r.reason)
    .filter((e) => !allowed(e))
    .map((e) => String((e as { code?: string }).code ?? e));
}

beforeAll(async () => {
  p = await createTestPlatform({ poolSize: 8 });
}, 120_000);
afterAll(() => p?.close());

describe("capacity under concurrency", () => {
  it("fills a day with a waiting list (review town): capacity held, the rest waiting", async () => {
    const tenant = await town("senneceylesdijon");
    const periodId = await periodWith(tenant, "mercredis-2026-2027", { capacity: CAPACITY });
    const families = await generateFamilies(p.owner, tenant, { prefix: "r", count: RACERS });
    const day = "2027-01-13";
    const results = await Promise.allSettled(families.map((f) => asParent(tenant, f).book(periodId, day)));
    expect(unexpected(results, () => false)).toEqual([]);
    const state = await dayState(periodId, day);
    expect(state.statuses).toEqual({ pending: CAPACITY, waiting: RACERS - CAPACITY });
    expect(state.taken).toBe(CAPACITY);
    expect(state.holding).toBe(CAPACITY);
    // Each family's one confirmation says what it got, though places went while it booked.
    const mails = await p.owner
      .selectFrom("outbox")
      .innerJoin("users", "users.email", "outbox.to_address")
      .select("outbox.text_body")
      .where(
        "users.household_id",
        "in",
        families.map((f) => f.householdId),
      )
      .where("outbox.subject", "like", "Votre réservation n°%")
      .execute();
    expect(mails).toHaveLength(RACERS);
    expect(mails.filter((m) => m.text_body.includes("sur liste d'attente"))).toHaveLength(RACERS - CAPACITY);
  });

  it("lets a town's bookings of other days commit while one booking is still open", async () => {
    const tenant = await town("senneceylesdijon");
    const periodId = await periodWith(tenant, "mercredis-2026-2027", { capacity: CAPACITY });
    const [first, second] = await generateFamilies(p.owner, tenant, { prefix: "o", count: 2 });
    const ctx = (f: Family) => ({
      role: "app_parent" as const,
      tenantId: tenant.id,
      userId: f.userId,
      householdId: f.householdId,
    });
    const planning = (f: Family): PlanningContext => ({
      tenant,
      actor: { kind: "parent", userId: f.userId },
      actorName: "Camille ESSAI",
      householdId: f.householdId,
      now: NOW,
    });
    const input = (f: Family, day: string) => ({
      periodId,
      childIds: [f.childId],
      days: [day],
      idempotencyKey: crypto.randomUUID(),
    });
    // The first booking stays open until the second one has committed: with a town-wide lock
    // (the dossier counter) the second would wait for the first, and neither would end.
    const numbers = await p.db.withTenant(ctx(first as Family), async (trx) => {
      const mine = await book(trx, planning(first as Family), input(first as Family, "2027-01-27"));
      const other = await p.db.withTenant(ctx(second as Family), (t) =>
        book(t, planning(second as Family), input(second as Family, "2027-02-03")),
      );
      return [mine.number, other.number];
    });
    expect(new Set(numbers).size).toBe(2);
    expect((await dayState(periodId, "2027-01-27")).taken).toBe(1);
    expect((await dayState(periodId, "2027-02-03")).taken).toBe(1);
  });

  it("refuses the rest with a PlanningError where there is no waiting list", async () => {
    const tenant = await town("sene");
    const periodId = await periodWith(tenant, "restauration-2026-2027", {
      capacity: CAPACITY,
      waitingList: "none",
    });
    const families = await generateFamilies(p.owner, tenant, { prefix: "n", count: RACERS });
    const day = "2027-01-14";
    const results = await Promise.allSettled(families.map((f) => asParent(tenant, f).book(periodId, day)));
    expect(unexpected(results, (e) => e instanceof PlanningError)).toEqual([]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(CAPACITY);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refusals).toHaveLength(RACERS - CAPACITY);
    const first = refusals[0]?.reason as PlanningError | undefined;
    expect(first?.problems[0]?.message).toBe("jeudi 14 janvier 2027 : complet, plus de place disponible.");
    const state = await dayState(periodId, day);
    expect(state.statuses).toEqual({ accepted: CAPACITY });
    expect(state.taken).toBe(CAPACITY);
    expect(state.holding).toBe(CAPACITY);
  });

  it("books once when a parent submits the same key many times at once", async () => {
    const tenant = await town("sene");
    const periodId = await periodWith(tenant, "mercredi-pompidou-2026-2027", {
      capacity: CAPACITY,
      payment: "invoiced",
    });
    const [family] = await generateFamilies(p.owner, tenant, { prefix: "d", count: 1 });
    const parent = asParent(tenant, family as Family);
    const key = crypto.randomUUID();
    const day = "2027-01-13";
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => parent.book(periodId, day, key)),
    );
    // A submission racing the first one may fail on the key's unique index; never anything else.
    expect(unexpected(results, (e) => (e as { code?: string }).code === "23505")).toEqual([]);
    const fulfilled = results.filter((r) => r.status === "fulfilled").map((r) => r.value);
    expect(fulfilled.length).toBeGreaterThan(0);
    expect(new Set(fulfilled.map((r) => r.dossierId)).size).toBe(1);
    const dossiers = await p.owner
      .selectFrom("booking_dossiers")
      .select("id")
      .where("household_id", "=", (family as Family).householdId)
      .execute();
    expect(dossiers).toHaveLength(1);
    const state = await dayState(periodId, day);
    expect(state.statuses).toEqual({ accepted: 1 });
    expect(state).toMatchObject({ taken: 1, holding: 1 });
    const replay = await parent.book(periodId, day, key);
    expect(replay).toMatchObject({ replayed: true, dossierId: dossiers[0]?.id });
  });

  it("never lets cancellations racing bookings push the count below 0 or past capacity", async () => {
    const tenant = await town("senneceylesdijon");
    const periodId = await periodWith(tenant, "mercredis-2026-2027", { capacity: CAPACITY });
    const day = "2027-01-20";
    const holders = await generateFamilies(p.owner, tenant, { prefix: "h", count: CAPACITY });
    const booked = await Promise.all(holders.map((f) => asParent(tenant, f).book(periodId, day)));
    expect((await dayState(periodId, day)).taken).toBe(CAPACITY);
    const newcomers = await generateFamilies(p.owner, tenant, { prefix: "c", count: RACERS - CAPACITY });
    const bookingIds = await p.owner
      .selectFrom("bookings")
      .select(["id", "dossier_id"])
      .where(
        "dossier_id",
        "in",
        booked.map((b) => b.dossierId),
      )
      .execute();
    const race = [
      ...holders.map((f, i) => {
        const mine = bookingIds.filter((b) => b.dossier_id === booked[i]?.dossierId).map((b) => b.id);
        return asParent(tenant, f).cancel(mine);
      }),
      ...newcomers.map((f) => asParent(tenant, f).book(periodId, day)),
    ];
    const results = await Promise.allSettled(race);
    expect(unexpected(results, () => false)).toEqual([]);
    const state = await dayState(periodId, day);
    expect(state.statuses.cancelled).toBe(CAPACITY);
    expect(state.taken).toBeGreaterThanOrEqual(0);
    expect(state.taken).toBeLessThanOrEqual(CAPACITY);
    expect(state.taken).toBe(state.holding);
    expect((state.statuses.pending ?? 0) + (state.statuses.waiting ?? 0)).toBe(RACERS - CAPACITY);
  });
});
