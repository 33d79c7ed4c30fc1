import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canBook } from "../../src/features/completeness/service.ts";
import { book } from "../../src/features/planning/booking/booking-service.ts";
import { cancel } from "../../src/features/planning/booking/cancel-service.ts";
import { PlanningError } from "../../src/features/planning/common/errors.ts";
import { allPeriods } from "../../src/features/planning/offer/period-service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { completeFile, payAfterwards, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
let tenant: Tenant;
let householdId: string;
let userId: string;
let children: { id: string; first_name: string }[];

beforeAll(async () => {
  p = await createTestPlatform();
  householdId = await completeFile(p, "sene", "1001");
  await payAfterwards(p, "sene");
  tenant = await townOf(p, "sene");
  userId = (
    await p.owner
      .selectFrom("users")
      .select("id")
      .where("household_id", "=", householdId)
      .executeTakeFirstOrThrow()
  ).id;
  children = await p.owner
    .selectFrom("children")
    .select(["id", "first_name"])
    .where("household_id", "=", householdId)
    .execute();
}, 120_000);
afterAll(() => p?.close());

const parentCtx = () => ({ role: "app_parent" as const, tenantId: tenant.id, userId, householdId });
const planning = (now: Date) => ({
  tenant,
  actor: { kind: "parent" as const, userId },
  actorName: "Lola",
  householdId,
  now,
});

describe("booking core", () => {
  it("books two children on Wednesdays, all or nothing, once per key", async () => {
    const periods = await p.db.withTenant(parentCtx(), (trx) => allPeriods(trx));
    const mercredis = periods.find((x) => x.key === "mercredi-pompidou-2026-2027");
    expect(mercredis?.rules.waitingList).toBe("offer");
    const input = {
      periodId: mercredis?.id as string,
      childIds: children.map((c) => c.id),
      days: ["2026-12-09", "2026-12-16"],
      idempotencyKey: crypto.randomUUID(),
    };
    const now = new Date("2026-12-01T08:00:00Z");
    const r = await p.db.withTenant(parentCtx(), (trx) => book(trx, planning(now), input));
    expect(r.bookings).toHaveLength(4);
    const again = await p.db.withTenant(parentCtx(), (trx) => book(trx, planning(now), input));
    expect(again.replayed).toBe(true);
    expect(again.number).toBe(r.number);
    const bad = p.db.withTenant(parentCtx(), (trx) =>
      book(trx, planning(now), {
        ...input,
        days: ["2026-12-23", "2026-12-10"],
        idempotencyKey: crypto.randomUUID(),
      }),
    );
    await expect(bad).rejects.toBeInstanceOf(PlanningError);
    const count = await p.owner
      .selectFrom("bookings")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4);
    const taken = await p.owner.selectFrom("occupancy").select(["day", "taken"]).orderBy("day").execute();
    expect(taken.map((t) => t.taken)).toEqual([2, 2]);
    const ids = (
      await p.owner.selectFrom("bookings").select("id").where("day", "=", "2026-12-09").execute()
    ).map((b) => b.id);
    await p.db.withTenant(parentCtx(), (trx) =>
      cancel(trx, planning(now), {
        bookingIds: ids,
        idempotencyKey: crypto.randomUUID(),
        confirmLate: false,
      }),
    );
    const after = await p.owner.selectFrom("occupancy").select(["day", "taken"]).orderBy("day").execute();
    expect(after.map((t) => t.taken)).toEqual([0, 2]);
  });
});

/** Counts the statements a step sends through its transaction (one result each). */
function recorder() {
  const texts: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: (a) => a.node,
    transformResult: async (a) => {
      texts.push(a.queryId.queryId);
      return a.result;
    },
  };
  return { texts, plugin };
}

describe("booking round trips (issue 17, the rush)", () => {
  it("reads in one statement, then writes the dossier, its audit row and the place last", async () => {
    const periods = await p.db.withTenant(parentCtx(), (trx) => allPeriods(trx));
    const mercredis = periods.find((x) => x.key === "mercredi-pompidou-2026-2027");
    const input = {
      periodId: mercredis?.id as string,
      childIds: [children[0]?.id as string],
      days: ["2026-12-09"],
      idempotencyKey: crypto.randomUUID(),
    };
    const now = new Date("2026-12-01T08:00:00Z");
    const rec = recorder();
    const r = await p.db.withTenant(parentCtx(), (trx) =>
      book(trx.withPlugin(rec.plugin), planning(now), input),
    );
    expect(r.bookings).toEqual([{ childId: input.childIds[0], day: "2026-12-09", status: "accepted" }]);
    // One read (period, key, children, their days, occupancy, addresses), the town's completeness
    // checks, one write (dossier, bookings, occupancy row), the audit row, the last statement.
    const completeness = rec.texts.length - 4;
    const file = await p.db.withTenant(parentCtx(), async (trx) => {
      const c = recorder();
      await canBook(trx.withPlugin(c.plugin), tenant, householdId, input.childIds[0]);
      return c.texts.length;
    });
    expect(completeness).toBe(file);
    const replay = recorder();
    const again = await p.db.withTenant(parentCtx(), (trx) =>
      book(trx.withPlugin(replay.plugin), planning(now), input),
    );
    expect(again).toMatchObject({ replayed: true, dossierId: r.dossierId });
    expect(replay.texts).toHaveLength(2);
  });
});
