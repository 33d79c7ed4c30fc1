import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccountsCheckJob } from "../../src/features/billing/payments/accounts-check/accounts-check-job.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { seedInvoice, signIn, staffOf, textOf } from "./billing-staff-fixture.ts";

// Issue 10 item 3: a Treasury title freezes its invoice; corrections are the Treasury's;
// the family sees how to pay it. « Contrôle des comptes » lists what breaks the ledger.

let p: TestPlatform;
const NOW = new Date("2026-12-15T09:30:00Z");

beforeAll(async () => {
  p = await createTestPlatform();
  p.setNow(NOW);
}, 120_000);
afterAll(() => p?.close());

const url = (id: string, action = "") => `/agents/facturation/factures/${id}${action}`;

describe("an invoice handed to the Treasury (Plombières)", () => {
  let invoice: Awaited<ReturnType<typeof seedInvoice>>;

  it("refuses desk payments and credit notes once « Titre émis »", async () => {
    invoice = await seedInvoice(p, "plombieres", "1001001818331", "enfance", [
      { label: "Restauration – Lucas", quantity: 2, unitCents: 445 },
    ]);
    const staff = await staffOf(p, "plombieres");
    expect((await staff.post(url(invoice.id, "/tresor"), { ormc: "2026-000777" })).status).toBe(303);
    const page = await textOf(await staff.get(url(invoice.id)));
    expect(page).not.toContain("Enregistrer un règlement");
    expect(page).not.toContain("Créer un avoir");
    expect(page).toContain("Enregistrer une correction du Trésor public");

    const pay = await staff.post(url(invoice.id, "/reglement"), {
      mode: "cheque",
      montant: "1",
      date: "2026-12-15",
    });
    expect(pay.status).toBe(422);
    expect(await pay.text()).toContain("transmise au Trésor public (titre émis)");
    const credit = await staff.post(url(invoice.id, "/avoir"), {
      mode: "montant",
      montant: "0,50",
      motif: "x",
    });
    expect(credit.status).toBe(409);
    const moves = await p.owner
      .selectFrom("payments")
      .select("id")
      .where("invoice_id", "=", invoice.id)
      .union(p.owner.selectFrom("invoices").select("id").where("credited_invoice_id", "=", invoice.id))
      .execute();
    expect(moves).toEqual([]);
  });

  it("shows the family « À régler auprès du Trésor public », still counted in what they owe", async () => {
    const parent = await signIn(p, "plombieres", "jdupont");
    const home = await textOf(await parent.get("/"));
    expect(home).toContain("Factures impayées");
    expect(home).toContain("À régler auprès du Trésor public");
    const show = await textOf(await parent.get(`/factures/${invoice.id}`));
    expect(show).toContain("Reste à payer 8,90 €");
    expect(show).toContain("ORMC n° 2026-000777");
    expect(show).toContain("payfip.gouv.fr");
    expect(show).not.toContain("Payer en ligne");
    expect((await parent.post(`/factures/${invoice.id}/payer`, {})).status).toBe(409);
  });

  it("records the Treasury's reduction with its reference, then the annulation of the rest", async () => {
    const staff = await staffOf(p, "plombieres");
    const bad = await staff.post(url(invoice.id, "/correction"), {
      type: "reduction",
      reference: "",
      montant: "",
    });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Indiquez la référence de la trésorerie");
    expect(html).toContain('id="f-reference-error"');
    const over = await staff.post(url(invoice.id, "/correction"), {
      type: "reduction",
      reference: "RED-1",
      montant: "9",
    });
    expect(over.status).toBe(422);
    expect(
      (
        await staff.post(url(invoice.id, "/correction"), {
          type: "reduction",
          reference: "RED-1",
          montant: "0,50",
        })
      ).status,
    ).toBe(303);
    const page = await textOf(await staff.get(url(invoice.id)));
    expect(page).toContain("Reste à payer 8,40 €");
    expect(page).toContain("réduction de titre, réf. RED-1");
    expect(
      (await staff.post(url(invoice.id, "/correction"), { type: "annulation", reference: "ANN-2" })).status,
    ).toBe(303);
    expect(await textOf(await staff.get(url(invoice.id)))).toContain("Reste à payer 0,00 €");
  });

  it("« Contrôle des comptes » finds nothing, then lists and links a title moved at the desk", async () => {
    const staff = await staffOf(p, "plombieres");
    const clean = await textOf(await staff.get("/agents/facturation/controle"));
    expect(clean).toContain("Aucune anomalie");
    const other = await seedInvoice(p, "plombieres", "1001001818331", "enfance", [
      { label: "Garderie – Lucas", quantity: 1, unitCents: 300 },
    ]);
    await p.owner
      .updateTable("invoices")
      .set({ treasury_ref: "2026-000900", treasury_at: new Date("2026-12-01T00:00:00Z") })
      .where("id", "=", other.id)
      .execute();
    await p.owner
      .insertInto("payments")
      .values({
        tenant_id: other.tenantId,
        regie_id: other.regieId,
        household_id: other.householdId,
        invoice_id: other.id,
        method: "cheque",
        amount_cents: 100,
        received_on: "2026-12-10",
      })
      .execute();
    const res = await staff.get("/agents/facturation/controle");
    const listed = await textOf(res.clone());
    expect(listed).toContain("1 anomalie à corriger");
    expect(listed).toContain(`${other.number} (ORMC 2026-000900)`);
    expect(await res.text()).toContain(`href="/agents/facturation/factures/${other.id}"`);
    const warnings: unknown[] = [];
    const log = { warn: (o: unknown) => warnings.push(o) } as unknown as Parameters<
      typeof createAccountsCheckJob
    >[1];
    expect(await createAccountsCheckJob(p.db, log)()).toBe(1);
    expect(warnings).toEqual([
      { tenant: "plombieres", rule: "title_moved", invoice: other.id, booking: null },
    ]);
    await sql`delete from payments where invoice_id = ${other.id}`.execute(p.owner);
  });
});
