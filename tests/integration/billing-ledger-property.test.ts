import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCreditNote } from "../../src/features/billing/invoices/credit-service.ts";
import { availableCredit, balance, settledSql } from "../../src/features/billing/payments/credit-ledger.ts";
import { recordPayment } from "../../src/features/billing/payments/ledger.ts";
import { recordRefund, requestRefund } from "../../src/features/billing/payments/refunds/refund-service.ts";
import { transmitToTreasury } from "../../src/features/billing/payments/treasury-service.ts";
import { parisToday } from "../../src/lib/dates.ts";
import { type SeneLedger, seneLedger } from "./billing-ledger-fixture.ts";

// Issue 10: random sequences of booking (paid at booking), desk payment, cancellation, credit
// note, refund and Treasury title for one household: after every step the ledger balances
// (balance = what is left on invoices − credit the family holds) and « Contrôle des comptes »
// finds nothing (no day both credited and billed, no place unpaid, no title moved).

const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000);
const DAYS = ["2027-03-10", "2027-03-17", "2027-03-24", "2027-03-31", "2027-04-07", "2027-05-12"];
let s: SeneLedger;
let regieId: string;
const staffId = crypto.randomUUID();

beforeAll(async () => {
  s = await seneLedger();
  s.p.setNow(NOW);
  // The Wednesdays' régie hands its unpaid debts to the Treasury, so titles can be drawn.
  const r = await s.p.owner
    .updateTable("regies")
    .set({ collection: "treasury" })
    .where("tenant_id", "=", s.tenant.id)
    .where("key", "=", "centre-aere")
    .returning("id")
    .executeTakeFirstOrThrow();
  regieId = r.id;
}, 120_000);
afterAll(() => s?.close());

const staff = <T>(fn: Parameters<typeof s.p.db.withTenant<T>>[1]) =>
  s.p.db.withTenant({ role: "app_staff", tenantId: s.tenant.id, userId: staffId }, fn);
const actor = { kind: "staff" as const, userId: staffId };
const account = () => ({ householdId: s.household, regieId });

/** An invoice of the household, chosen by index among those matching. */
async function pickInvoice(pick: number, open: boolean) {
  const rows = await staff((trx) =>
    trx
      .selectFrom("invoices as i")
      .select(["i.id", "i.total_cents", "i.treasury_ref", settledSql.as("settled")])
      .where("i.household_id", "=", s.household)
      .where("i.kind", "=", "invoice")
      .orderBy("i.seq")
      .execute(),
  );
  const list = open ? rows.filter((r) => Number(r.settled) < Number(r.total_cents)) : rows;
  return list.length ? list[pick % list.length] : undefined;
}

type Step =
  | { kind: "book"; child: 0 | 1; days: number[] }
  | { kind: "cancel"; pick: number[] }
  | { kind: "pay"; pick: number; share: number }
  | { kind: "credit"; pick: number; share: number }
  | { kind: "refund" }
  | { kind: "title"; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("book" as const),
    child: fc.constantFrom(0 as const, 1 as const),
    days: fc.uniqueArray(fc.nat(DAYS.length - 1), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant("cancel" as const),
    pick: fc.array(fc.nat(20), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant("pay" as const),
    pick: fc.nat(10),
    share: fc.double({ min: 0.1, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant("credit" as const),
    pick: fc.nat(10),
    share: fc.double({ min: 0.05, max: 1, noNaN: true }),
  }),
  fc.constant({ kind: "refund" as const }),
  fc.record({ kind: fc.constant("title" as const), pick: fc.nat(10) }),
);

async function run(st: Step) {
  const child = (c: 0 | 1) => (c === 0 ? s.paul : s.emma);
  switch (st.kind) {
    case "book": {
      const res = await s.book(
        [child(st.child)],
        st.days.map((d) => DAYS[d] as string),
      );
      if (res.status !== 303) return;
      const b = await s.bookingOf(child(st.child), DAYS[st.days[0] as number] as string);
      if (b.basket_id && b.status === "unpaid") await s.payBasket(b.basket_id, new Date());
      return;
    }
    case "cancel": {
      const live = await s.p.owner
        .selectFrom("bookings")
        .select("id")
        .where("household_id", "=", s.household)
        .where("status", "=", "accepted")
        .orderBy("day")
        .execute();
      if (!live.length) return;
      await s.cancel([...new Set(st.pick.map((i) => live[i % live.length]?.id as string))]);
      return;
    }
    case "pay": {
      const i = await pickInvoice(st.pick, true);
      if (!i || i.treasury_ref) return;
      const left = Number(i.total_cents) - Number(i.settled);
      const amountCents = Math.max(1, Math.floor(left * st.share));
      await staff((trx) =>
        recordPayment(trx, s.tenant, actor, {
          invoiceId: i.id,
          method: "cheque",
          amountCents,
          receivedOn: parisToday(NOW),
          reference: null,
        }),
      );
      return;
    }
    case "credit": {
      const i = await pickInvoice(st.pick, false);
      if (!i || i.treasury_ref) return;
      const credited = await s.p.owner
        .selectFrom("invoices")
        .select(sql<string>`coalesce(sum(total_cents), 0)`.as("c"))
        .where("credited_invoice_id", "=", i.id)
        .executeTakeFirstOrThrow();
      const room = Number(i.total_cents) - Number(credited.c);
      if (room <= 0) return;
      const amountCents = Math.max(1, Math.floor(room * st.share));
      await staff((trx) =>
        createCreditNote(trx, s.tenant, actor, i.id, { amountCents, reason: "Geste" }, parisToday(NOW)),
      );
      return;
    }
    case "refund": {
      const parent = {
        role: "app_parent" as const,
        tenantId: s.tenant.id,
        userId: staffId,
        householdId: s.household,
      };
      const user = await s.p.owner
        .selectFrom("users")
        .select("id")
        .where("household_id", "=", s.household)
        .executeTakeFirstOrThrow();
      const credit = await staff((trx) => availableCredit(trx, account()));
      if (credit <= 0) return;
      await s.p.db.withTenant({ ...parent, userId: user.id }, (trx) =>
        requestRefund(trx, s.tenant, { kind: "parent", userId: user.id }, s.household, {
          regieId,
          iban: "FR7630006000011234567890189",
          holder: "Lola TEST",
        }),
      );
      const f = await s.p.owner.selectFrom("refunds").select("id").where("state", "=", "requested").execute();
      for (const r of f)
        await staff((trx) =>
          recordRefund(trx, s.tenant, actor, r.id, { paidOn: parisToday(NOW), reference: null }),
        );
      return;
    }
    case "title": {
      const i = await pickInvoice(st.pick, true);
      if (!i || i.treasury_ref) return;
      await staff((trx) =>
        transmitToTreasury(trx, s.tenant, actor, i.id, `T-${i.id.slice(0, 6)}`, new Date()),
      );
      // A title refuses the desk and credit notes from now on.
      await expect(
        staff((trx) =>
          recordPayment(trx, s.tenant, actor, {
            invoiceId: i.id,
            method: "cheque",
            amountCents: 1,
            receivedOn: parisToday(NOW),
            reference: null,
          }),
        ),
      ).rejects.toThrow("Trésor public");
      await expect(
        staff((trx) =>
          createCreditNote(trx, s.tenant, actor, i.id, { amountCents: 1, reason: "x" }, parisToday(NOW)),
        ),
      ).rejects.toThrow("Trésor public");
    }
  }
}

/** The ledger identity and the town's accounts check, after every step. */
async function assertBalanced() {
  const [b, credit, open] = await staff(
    async (trx) =>
      [
        await balance(trx, account()),
        await availableCredit(trx, account()),
        await trx
          .selectFrom("invoices as i")
          .select(sql<string>`coalesce(sum(i.total_cents - ${settledSql}), 0)`.as("left"))
          .where("i.household_id", "=", s.household)
          .where("i.regie_id", "=", regieId)
          .where("i.kind", "=", "invoice")
          .executeTakeFirstOrThrow(),
      ] as const,
  );
  expect(b).toBe(Number(open.left) - credit);
  expect(await s.accountsCheck()).toEqual([]);
}

describe("the household's ledger under random operations", () => {
  it("always balances, and no day is both credited and billed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 6 }), async (steps) => {
        for (const st of steps) {
          await run(st);
          await assertBalanced();
        }
      }),
      { numRuns: 20 },
    );
  }, 240_000);
});
