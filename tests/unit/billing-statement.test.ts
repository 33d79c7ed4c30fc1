import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildStatement,
  type Operation,
  schoolYearBounds,
} from "../../src/features/billing/statement/statement.ts";

const op = fc.oneof(
  fc
    .record({
      date: fc.constantFrom("2026-09-30", "2026-10-31", "2026-11-30"),
      cents: fc.integer({ min: 0, max: 100_000 }),
    })
    .map(
      (r): Operation => ({
        date: r.date,
        label: "Facture",
        kind: "invoice",
        debitCents: r.cents,
        creditCents: 0,
      }),
    ),
  fc
    .record({
      date: fc.constantFrom("2026-10-05", "2026-11-30"),
      cents: fc.integer({ min: 1, max: 100_000 }),
    })
    .map(
      (r): Operation => ({
        date: r.date,
        label: "Règlement",
        kind: "payment",
        debitCents: 0,
        creditCents: r.cents,
      }),
    ),
);

describe("relevé de compte", () => {
  it("balance = ancien solde + debits − credits, totals are the sums of the operations", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50_000, max: 50_000 }),
        fc.array(op, { maxLength: 30 }),
        (opening, ops) => {
          const st = buildStatement(opening, ops);
          expect(st.debitCents).toBe(ops.reduce((s, o) => s + o.debitCents, 0));
          expect(st.creditCents).toBe(ops.reduce((s, o) => s + o.creditCents, 0));
          expect(st.balanceCents).toBe(opening + st.debitCents - st.creditCents);
          expect(st.operations).toHaveLength(ops.length);
          for (let i = 1; i < st.operations.length; i++)
            expect((st.operations[i - 1] as Operation).date <= (st.operations[i] as Operation).date).toBe(
              true,
            );
        },
      ),
    );
  });

  it("puts an invoice before a payment of the same day", () => {
    const st = buildStatement(0, [
      { date: "2026-11-30", label: "Règlement", kind: "payment", debitCents: 0, creditCents: 5 },
      { date: "2026-11-30", label: "Facture", kind: "invoice", debitCents: 5, creditCents: 0 },
    ]);
    expect(st.operations.map((o) => o.kind)).toEqual(["invoice", "payment"]);
    expect(schoolYearBounds("2026-2027")).toEqual({ from: "2026-09-01", to: "2027-08-31" });
  });
});
