import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bracketOf,
  euros,
  priceDays,
  tariffOn,
  total,
  unitPrice,
} from "../../src/features/billing/pricing/pricing.ts";
import { type Tariff, tariffSchema } from "../../src/tenancy/billing-schema.ts";

const mercredis: Tariff = tariffSchema.parse({
  service: "mercredis",
  from: "2026-09-01",
  brackets: [{ upTo: 600, cents: 510 }, { upTo: 1000, cents: 640 }, { cents: 770 }],
  nonResidentCents: 1150,
  siblingReductionPercent: 10,
  lateCancellationSurchargeCents: 300,
});

describe("tariffs", () => {
  it("prices by QF bracket, the highest without proof, and non-residents apart", () => {
    expect(unitPrice(mercredis, { qf: 600, resident: true })).toBe(510);
    expect(unitPrice(mercredis, { qf: 601, resident: true })).toBe(640);
    expect(unitPrice(mercredis, { qf: 5000, resident: true })).toBe(770);
    expect(unitPrice(mercredis, { qf: null, resident: true })).toBe(770);
    expect(unitPrice({ ...mercredis, withoutProofBracket: 1 }, { qf: null, resident: true })).toBe(640);
    expect(unitPrice(mercredis, { qf: 100, resident: false })).toBe(1150);
    expect(euros(770)).toBe("7,70\u00a0€");
  });

  it("takes the latest tariff in force on the day", () => {
    const next = { ...mercredis, from: "2027-01-01", brackets: [{ cents: 900 }] };
    expect(tariffOn([next, mercredis], "mercredis", "2026-12-16")).toBe(mercredis);
    expect(tariffOn([mercredis, next], "mercredis", "2027-01-06")).toBe(next);
    expect(tariffOn([mercredis], "mercredis", "2026-08-31")).toBeNull();
    expect(tariffOn([mercredis], "restauration", "2026-12-16")).toBeNull();
  });

  it("refuses brackets out of order or an unbounded bracket before the last", () => {
    const bad = tariffSchema.safeParse({
      ...mercredis,
      brackets: [{ upTo: 900, cents: 1 }, { upTo: 500, cents: 2 }, { cents: 3 }],
    });
    expect(bad.success).toBe(false);
    expect(tariffSchema.safeParse({ ...mercredis, brackets: [{ cents: 1 }, { cents: 2 }] }).success).toBe(
      false,
    );
  });

  it("reduces the second child of the same day and adds late surcharges as lines", () => {
    const lines = priceDays(
      [mercredis],
      [
        { childId: "a", service: "mercredis", day: "2026-12-09", label: "Paul" },
        { childId: "b", service: "mercredis", day: "2026-12-09", label: "Emma-Rose", lateCancellation: true },
        { childId: "a", service: "mercredis", day: "2026-12-16", label: "Paul" },
      ],
      { qf: null, resident: true },
    );
    expect(lines.map((l) => l.amountCents)).toEqual([770, 693, 300, 770]);
    expect(total(lines)).toBe(2533);
  });
});

describe("billing units", () => {
  const garderie = tariffSchema.parse({
    service: "g",
    from: "2026-09-01",
    brackets: [{ cents: 150 }],
    hoursPerBooking: 2,
    siblingReductionPercent: 50,
  });
  const at = (childId: string, day: string, unit: "hour" | "flat", period = "p1") => ({
    childId,
    day,
    unit,
    period,
    service: "g",
    label: childId,
  });

  it("bills an hourly service by the session's hours", () => {
    const lines = priceDays([garderie], [at("a", "2026-12-01", "hour")], { qf: null, resident: true });
    expect(lines.map((l) => [l.quantity, l.unitCents, l.amountCents])).toEqual([[2, 150, 300]]);
  });

  it("bills a flat rate once per child and period, the sibling's reduced", () => {
    const lines = priceDays(
      [garderie],
      [
        at("a", "2026-12-01", "flat"),
        at("a", "2026-12-02", "flat"),
        at("b", "2026-12-03", "flat"),
        at("a", "2027-01-05", "flat", "p2"),
      ],
      { qf: null, resident: true },
    );
    expect(lines.map((l) => [l.childId, l.quantity, l.amountCents])).toEqual([
      ["a", 1, 150],
      ["b", 1, 75],
      ["a", 1, 150],
    ]);
  });
});

const tariffArb = fc
  .array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 5 })
  .chain((prices) =>
    fc
      .uniqueArray(fc.integer({ min: 0, max: 5000 }), {
        minLength: prices.length - 1,
        maxLength: prices.length - 1,
      })
      .map((caps) => {
        const sorted = [...caps].sort((a, b) => a - b);
        return tariffSchema.parse({
          service: "s",
          from: "2026-09-01",
          brackets: prices.map((cents, i) => (i < sorted.length ? { upTo: sorted[i], cents } : { cents })),
          siblingReductionPercent: 25,
        });
      }),
  );

describe("pricing properties", () => {
  it("every total is the sum of its lines, in integer cents", () => {
    fc.assert(
      fc.property(
        tariffArb,
        fc.array(
          fc.record({
            child: fc.constantFrom("a", "b", "c"),
            day: fc.constantFrom("2026-12-09", "2026-12-16"),
          }),
        ),
        fc.option(fc.integer({ min: 0, max: 6000 }), { nil: null }),
        (t, picks, qf) => {
          const lines = priceDays(
            [t],
            picks.map((p) => ({ childId: p.child, service: "s", day: p.day, label: p.child })),
            { qf, resident: true },
          );
          expect(lines).toHaveLength(picks.length);
          for (const l of lines)
            expect(Number.isInteger(l.amountCents) && l.amountCents === l.quantity * l.unitCents).toBe(true);
          expect(total(lines)).toBe(lines.reduce((s, l) => s + l.amountCents, 0));
        },
      ),
    );
  });

  it("a QF falls in the first bracket whose cap it does not exceed", () => {
    fc.assert(
      fc.property(tariffArb, fc.integer({ min: 0, max: 6000 }), (t, qf) => {
        const i = bracketOf(t, qf);
        const b = t.brackets[i];
        expect(b?.upTo === undefined || qf <= b.upTo).toBe(true);
        for (const lower of t.brackets.slice(0, i)) expect(qf > (lower.upTo as number)).toBe(true);
      }),
    );
  });
});
