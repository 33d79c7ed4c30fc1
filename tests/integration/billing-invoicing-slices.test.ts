import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueRun, previewRun } from "../../src/features/billing/invoicing/invoicing-service.ts";
import { allPeriods } from "../../src/features/planning/offer/period-service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { townOf } from "../helpers/planning-fixture.ts";
import { type Family, generateBookings, generateFamilies } from "../helpers/planning-generator.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { invoicingWrites, regieIdOf } from "./billing-staff-fixture.ts";

// A monthly run issued in slices of households (issue 17): the invoices of every slice are
// numbered after the previous slice's, in household-number order, and bill exactly what the
// preview showed; a run refused at the end leaves nothing of its slices.

let p: TestPlatform;
let tenant: Tenant;
let staffId: string;
let regieId: string;
let families: Family[];

beforeAll(async () => {
  p = await createTestPlatform();
  tenant = await townOf(p, "senneceylesdijon");
  families = await generateFamilies(p.owner, tenant, { prefix: "s", count: 5 });
  const staffCtx = { role: "app_staff" as const, tenantId: tenant.id };
  const period = await p.db.withTenant(staffCtx, async (trx) =>
    (await allPeriods(trx)).find((x) => x.key === "restauration-2026-2027"),
  );
  const canteen = { id: period?.id as string, serviceId: period?.service.id as string };
  await generateBookings(p.owner, tenant.id, canteen, families, ["2026-12-01", "2026-12-03", "2026-12-07"]);
  const ids = await p.owner
    .selectFrom("users")
    .select("id")
    .where("email", "=", "admin@senneceylesdijon.test")
    .executeTakeFirstOrThrow();
  staffId = ids.id;
  regieId = await regieIdOf(p, tenant.id, "restauration");
}, 120_000);
afterAll(() => p?.close());

const staffCtx = () => ({ role: "app_staff" as const, tenantId: tenant.id, userId: staffId });
const staff = () => ({ kind: "staff" as const, userId: staffId });
const jan5 = new Date("2027-01-05T09:00:00Z");

const written = () => invoicingWrites(p);

describe("a run issued in slices of households", () => {
  it("fails whole when its totals changed, though slices were written before the check", async () => {
    const before = await written();
    const preview = await p.db.withTenant(staffCtx(), (trx) => previewRun(trx, tenant, regieId, "2026-12"));
    const changed = { confirmed: true, invoiceCount: 5, totalCents: preview.totalCents + 1 };
    const run = p.db.withTenant(staffCtx(), (trx) =>
      issueRun(trx, tenant, staff(), regieId, "2026-12", jan5, changed, undefined, 2),
    );
    await expect(run).rejects.toThrow("Les montants ont changé depuis l'aperçu");
    expect(await written()).toEqual(before);
  });

  it("numbers every slice after the one before, in household-number order, and bills what the preview showed", async () => {
    const preview = await p.db.withTenant(staffCtx(), (trx) => previewRun(trx, tenant, regieId, "2026-12"));
    expect(preview.households.map((h) => h.number)).toEqual(families.map((f) => f.number));
    const confirmed = { confirmed: true, invoiceCount: 5, totalCents: preview.totalCents };
    const steps: number[] = [];
    const run = await p.db.withTenant(staffCtx(), (trx) =>
      issueRun(
        trx,
        tenant,
        staff(),
        regieId,
        "2026-12",
        jan5,
        confirmed,
        async (step) => {
          steps.push(step);
        },
        2,
      ),
    );
    expect(steps).toEqual([1, 2, 3, 4, 5]);
    expect(run.invoices.map((i) => [i.householdId, i.number, i.totalCents])).toEqual(
      preview.households.map((h, k) => [h.householdId, `RS-${k + 1}`, h.totalCents]),
    );
    const lines = await p.owner
      .selectFrom("invoice_lines as l")
      .innerJoin("invoices as i", "i.id", "l.invoice_id")
      .select(["i.number", "l.booking_id", "l.label", "l.amount_cents", "l.position"])
      .where("i.run_id", "=", run.runId)
      .orderBy("i.seq")
      .orderBy("l.position")
      .execute();
    expect(lines.map((l) => [l.number, l.booking_id, l.label, Number(l.amount_cents)])).toEqual(
      preview.households.flatMap((h, k) =>
        h.lines.map((l) => [`RS-${k + 1}`, l.bookingId, l.label, l.amountCents]),
      ),
    );
    const row = await p.owner
      .selectFrom("invoicing_runs")
      .select(["invoice_count", "line_count", "total_cents", "sequence"])
      .where("id", "=", run.runId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      invoice_count: 5,
      line_count: preview.lineCount,
      total_cents: String(preview.totalCents),
      sequence: 1,
    });
    expect((await written()).counters).toEqual([{ name: `invoice:${regieId}`, value: "5" }]);
  });
});
