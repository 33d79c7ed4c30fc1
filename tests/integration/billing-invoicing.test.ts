import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCreditNote, creditableLines } from "../../src/features/billing/invoices/credit-service.ts";
import { issueRun, previewRun } from "../../src/features/billing/invoicing/invoicing-service.ts";
import { availableCredit, remainingCents } from "../../src/features/billing/payments/credit-ledger.ts";
import { invoiceState, recordPayment } from "../../src/features/billing/payments/ledger.ts";
import { statementFor } from "../../src/features/billing/statement/statement.ts";
import { book } from "../../src/features/planning/booking/booking-service.ts";
import { allPeriods } from "../../src/features/planning/offer/period-service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
let tenant: Tenant;
let householdId: string;
let parentId: string;
let staffId: string;
let childId: string;

beforeAll(async () => {
  p = await createTestPlatform();
  householdId = await completeFile(p, "senneceylesdijon", "1001");
  await p.owner
    .updateTable("households")
    .set({ family_quotient: 800, postal_code: "21800" })
    .where("id", "=", householdId)
    .execute();
  tenant = await townOf(p, "senneceylesdijon");
  parentId = (
    await p.owner
      .selectFrom("users")
      .select("id")
      .where("household_id", "=", householdId)
      .executeTakeFirstOrThrow()
  ).id;
  staffId = (
    await p.owner
      .selectFrom("users")
      .select("id")
      .where("email", "=", "admin@senneceylesdijon.test")
      .executeTakeFirstOrThrow()
  ).id;
  childId = (
    await p.owner
      .selectFrom("children")
      .select("id")
      .where("household_id", "=", householdId)
      .executeTakeFirstOrThrow()
  ).id;
}, 120_000);
afterAll(() => p?.close());

const staffCtx = () => ({ role: "app_staff" as const, tenantId: tenant.id, userId: staffId });
const staff = () => ({ kind: "staff" as const, userId: staffId });

async function bookDays(periodKey: string, days: string[]) {
  const ctx = { role: "app_parent" as const, tenantId: tenant.id, userId: parentId, householdId };
  await p.db.withTenant(ctx, async (trx) => {
    const period = (await allPeriods(trx)).find((x) => x.key === periodKey);
    await book(
      trx,
      {
        tenant,
        actor: { kind: "parent", userId: parentId },
        actorName: "Parent 1",
        householdId,
        now: new Date("2026-11-20T08:00:00Z"),
      },
      { periodId: period?.id as string, childIds: [childId], days, idempotencyKey: crypto.randomUUID() },
    );
  });
}

async function mailWith(subject: string) {
  for (let i = 0; i < 100; i++) {
    const found = p.mailbox.list().find((m) => m.subject.includes(subject));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail « ${subject} »`);
}

async function regieId(key: string) {
  return (
    await p.owner
      .selectFrom("regies")
      .select("id")
      .where("tenant_id", "=", tenant.id)
      .where("key", "=", key)
      .executeTakeFirstOrThrow()
  ).id;
}

describe("monthly invoicing run", () => {
  it("bills present, absent facturé and unmarked days at the QF price, never twice, numbered without gaps", async () => {
    await bookDays("restauration-2026-2027", ["2026-12-01", "2026-12-03", "2026-12-04", "2026-12-07"]);
    const marks: Record<string, "present" | "absent_excused" | "absent_billed"> = {
      "2026-12-01": "present",
      "2026-12-03": "absent_excused",
      "2026-12-04": "absent_billed",
    };
    for (const [day, attendance] of Object.entries(marks))
      await p.owner
        .updateTable("bookings")
        .set({ attendance })
        .where("child_id", "=", childId)
        .where("day", "=", day)
        .execute();
    const rs = await regieId("restauration");

    const preview = await p.db.withTenant(staffCtx(), (trx) => previewRun(trx, tenant, rs, "2026-12"));
    expect(preview.households).toHaveLength(1);
    expect(preview.households[0]?.lines.map((l) => [l.day, l.amountCents])).toEqual([
      ["2026-12-01", 440],
      ["2026-12-04", 440],
      ["2026-12-07", 440],
    ]);
    expect(preview.totalCents).toBe(1320);
    expect(await p.owner.selectFrom("invoices").selectAll().execute()).toHaveLength(0);

    const early = p.db.withTenant(staffCtx(), (trx) =>
      issueRun(trx, tenant, staff(), rs, "2026-12", new Date("2026-12-31T12:00:00Z")),
    );
    await expect(early).rejects.toThrow("une fois le mois terminé");

    const jan5 = new Date("2027-01-05T09:00:00Z");
    const run = await p.db.withTenant(staffCtx(), (trx) =>
      issueRun(trx, tenant, staff(), rs, "2026-12", jan5),
    );
    expect(run.invoices.map((i) => [i.number, i.totalCents])).toEqual([["RS-1", 1320]]);
    const again = p.db.withTenant(staffCtx(), (trx) => issueRun(trx, tenant, staff(), rs, "2026-12", jan5));
    await expect(again).rejects.toThrow("Rien de plus à facturer en décembre 2026");

    const lines = await p.owner.selectFrom("invoice_lines").select(["amount_cents", "booking_id"]).execute();
    expect(lines.every((l) => l.booking_id !== null)).toBe(true);
    const invoice = await p.owner
      .selectFrom("invoices")
      .select(["total_cents", "due_on"])
      .executeTakeFirstOrThrow();
    expect(lines.reduce((s, l) => s + Number(l.amount_cents), 0)).toBe(Number(invoice.total_cents));
    expect(invoice.due_on).toBe("2027-02-04");
    const mail = await mailWith("Nouvelle facture n° RS-1");
    expect(mail.to).toContain("parent1.mairie@senneceylesdijon.test");
    expect(mail.text).toContain("13,20");

    await bookDays("restauration-2026-2027", ["2027-01-05", "2027-01-07"]);
    const feb = new Date("2027-02-02T09:00:00Z");
    const next = await p.db.withTenant(staffCtx(), (trx) =>
      issueRun(trx, tenant, staff(), rs, "2027-01", feb),
    );
    expect(next.invoices.map((i) => i.number)).toEqual(["RS-2"]);
  });

  it("a late cancellation stays billed with its surcharge; an excused absence is not billed", async () => {
    await bookDays("bambinos-hiver-2027", ["2027-02-15", "2027-02-16"]);
    await p.owner
      .updateTable("bookings")
      .set({ status: "cancelled", holds_place: false, late_cancel: true })
      .where("child_id", "=", childId)
      .where("day", "=", "2027-02-15")
      .execute();
    await p.owner
      .updateTable("bookings")
      .set({ attendance: "absent_excused" })
      .where("child_id", "=", childId)
      .where("day", "=", "2027-02-16")
      .execute();
    const preview = await p.db.withTenant(staffCtx(), async (trx) =>
      previewRun(trx, tenant, await regieId("alsh"), "2027-02"),
    );
    expect(preview.households[0]?.lines.map((l) => [l.label.split(" – ")[0], l.amountCents])).toEqual([
      ["Vacances journée", 1350],
      ["Majoration annulation tardive", 300],
    ]);
  });

  it("records a cheque within what is left to pay and the statement balances", async () => {
    const rs = await regieId("restauration");
    const invoice = await p.owner
      .selectFrom("invoices")
      .select(["id"])
      .where("number", "=", "RS-1")
      .executeTakeFirstOrThrow();
    const pay = (amountCents: number) =>
      p.db.withTenant(staffCtx(), (trx) =>
        recordPayment(trx, tenant, staff(), {
          invoiceId: invoice.id,
          method: "cheque",
          amountCents,
          receivedOn: "2027-01-20",
          reference: "CHQ 1234567",
        }),
      );
    await pay(1000);
    await expect(pay(400)).rejects.toThrow("reste à payer (3,20");
    await expect(pay(-5)).rejects.toThrow("positif");
    const left = await p.db.withTenant(staffCtx(), (trx) => remainingCents(trx, invoice.id));
    expect(left).toEqual({ total: 1320, settled: 1000 });
    expect(invoiceState(left.total, left.settled, 0, null)).toBe("partly_paid");
    const parent = { role: "app_parent" as const, tenantId: tenant.id, userId: parentId, householdId };
    const st = await p.db.withTenant(parent, (trx) => statementFor(trx, householdId, rs, "2026-2027"));
    expect(st.operations.map((o) => [o.label, o.debitCents, o.creditCents])).toEqual([
      ["Facture RS-1", 1320, 0],
      ["Règlement par chèque – facture RS-1", 0, 1000],
      ["Facture RS-2", 880, 0],
    ]);
    expect(st.balanceCents).toBe(st.openingCents + st.debitCents - st.creditCents);
    expect(st.balanceCents).toBe(1200);
    const next = await p.db.withTenant(parent, (trx) => statementFor(trx, householdId, rs, "2027-2028"));
    expect(next.openingCents).toBe(1200);
  });

  it("bills a flat-rate service once per child and period, whatever the months", async () => {
    await p.owner
      .updateTable("services")
      .set({ unit: "flat" })
      .where("tenant_id", "=", tenant.id)
      .where("key", "=", "garderie-soir")
      .execute();
    await bookDays("garderie-soir-2026-2027", ["2026-12-01", "2026-12-03", "2027-01-05"]);
    const alsh = await regieId("alsh");
    const run = (month: string, now: string) =>
      p.db.withTenant(staffCtx(), (trx) => issueRun(trx, tenant, staff(), alsh, month, new Date(now)));
    const december = await run("2026-12", "2027-01-05T09:00:00Z");
    const january = await run("2027-01", "2027-02-02T09:00:00Z");
    const lines = await p.owner
      .selectFrom("invoice_lines")
      .select(["label", "amount_cents", "invoice_id"])
      .where("label", "like", "Garderie soir%")
      .execute();
    // QF 800 with a validated proof: the second bracket (above 700), 3,00 €, once.
    expect(lines.map((l) => [l.label, Number(l.amount_cents)])).toEqual([
      ["Garderie soir – forfait Garderie soir 2026-2027 – Enfant 1 MAIRIE", 300],
    ]);
    expect(lines[0]?.invoice_id).toBe(december.invoices[0]?.invoiceId);
    expect(january.invoices.flatMap((i) => i.number)).toEqual([]);
  });

  it("adds the late-booking surcharge to a day staff booked past the cut-off", async () => {
    await sql`update tariffs set spec = jsonb_set(spec, '{lateBookingSurchargeCents}', '100')
      where tenant_id = ${tenant.id} and service_id = (select id from services where tenant_id = ${tenant.id} and key = 'restauration')`.execute(
      p.owner,
    );
    await p.db.withTenant(staffCtx(), async (trx) => {
      const period = (await allPeriods(trx)).find((x) => x.key === "restauration-2026-2027");
      await book(
        trx,
        {
          tenant,
          actor: staff(),
          actorName: "Claire ADMIN",
          householdId,
          now: new Date("2027-02-04T10:00:00Z"),
        },
        {
          periodId: period?.id as string,
          childIds: [childId],
          days: ["2027-02-04"],
          idempotencyKey: crypto.randomUUID(),
        },
      );
    });
    const preview = await p.db.withTenant(staffCtx(), async (trx) =>
      previewRun(trx, tenant, await regieId("restauration"), "2027-02"),
    );
    expect(preview.households[0]?.lines.map((l) => [l.label.split(" – ")[0], l.amountCents])).toEqual([
      ["Restauration scolaire", 440],
      ["Majoration réservation tardive", 100],
    ]);
  });

  it("a later run of the same month bills only the days not billed yet (« facturation complémentaire »)", async () => {
    const rs = await regieId("restauration");
    // 3 December was excused at the first run; staff correct it to present afterwards.
    await p.owner
      .updateTable("bookings")
      .set({ attendance: "present" })
      .where("child_id", "=", childId)
      .where("day", "=", "2026-12-03")
      .execute();
    const preview = await p.db.withTenant(staffCtx(), (trx) => previewRun(trx, tenant, rs, "2026-12"));
    expect(preview.previousRuns.map((r) => r.sequence)).toEqual([1]);
    expect(preview.households[0]?.lines.map((l) => [l.day, l.amountCents])).toEqual([["2026-12-03", 440]]);
    const feb = new Date("2027-02-03T09:00:00Z");
    const changed = { confirmed: true, invoiceCount: 1, totalCents: 999 };
    const stale = p.db.withTenant(staffCtx(), (trx) =>
      issueRun(trx, tenant, staff(), rs, "2026-12", feb, changed),
    );
    await expect(stale).rejects.toThrow("Les montants ont changé depuis l'aperçu");
    const confirmed = { confirmed: true, invoiceCount: 1, totalCents: 440 };
    const extra = await p.db.withTenant(staffCtx(), (trx) =>
      issueRun(trx, tenant, staff(), rs, "2026-12", feb, confirmed),
    );
    expect(extra.invoices.map((i) => [i.number, i.totalCents])).toEqual([["RS-3", 440]]);
    const runs = await p.owner
      .selectFrom("invoicing_runs")
      .select(["month", "sequence"])
      .where("regie_id", "=", rs)
      .execute();
    expect(
      runs
        .filter((r) => r.month === "2026-12-01")
        .map((r) => r.sequence)
        .sort(),
    ).toEqual([1, 2]);
    const billed = await p.owner
      .selectFrom("invoice_lines")
      .select(["booking_id"])
      .where("day", ">=", "2026-12-01")
      .where("day", "<=", "2026-12-31")
      .execute();
    expect(new Set(billed.map((b) => b.booking_id)).size).toBe(billed.length);
  });
});

describe("credit the family holds (issue 10)", () => {
  it("is spent on the régie's next invoice as the run issues it", async () => {
    const rs = await regieId("restauration");
    const rs2 = await p.owner
      .selectFrom("invoices")
      .select(["id", "total_cents"])
      .where("number", "=", "RS-2")
      .where("tenant_id", "=", tenant.id)
      .executeTakeFirstOrThrow();
    await p.db.withTenant(staffCtx(), async (trx) => {
      const { total, settled } = await remainingCents(trx, rs2.id);
      if (total > settled)
        await recordPayment(trx, tenant, staff(), {
          invoiceId: rs2.id,
          method: "cheque",
          amountCents: total - settled,
          receivedOn: "2027-02-03",
          reference: null,
        });
      const lineIds = (await creditableLines(trx, rs2.id)).map((l) => l.id);
      await createCreditNote(trx, tenant, staff(), rs2.id, { lineIds }, "2027-02-03");
    });
    // The credit note first settles what is left on older invoices (RS-1's cheque left some).
    const held = await p.db.withTenant(staffCtx(), (trx) =>
      availableCredit(trx, { householdId, regieId: rs }),
    );
    expect(held).toBeGreaterThan(0);
    await bookDays("restauration-2026-2027", ["2027-02-01"]);
    const run = await p.db.withTenant(staffCtx(), (trx) =>
      issueRun(trx, tenant, staff(), rs, "2027-02", new Date("2027-03-02T09:00:00Z")),
    );
    const issued = run.invoices[0];
    // RS-3 is the complementary run's invoice (issue 11): the numbering stays gapless.
    expect(issued?.number).toBe("RS-4");
    const left = await p.db.withTenant(staffCtx(), (trx) => remainingCents(trx, issued?.invoiceId as string));
    expect(left.settled).toBe(Math.min(held, left.total));
    const after = await p.db.withTenant(staffCtx(), (trx) =>
      availableCredit(trx, { householdId, regieId: rs }),
    );
    expect(after).toBe(held - left.settled);
  });
});
