import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { auditOf, seedInvoice, signIn, staffOf, textOf } from "./billing-staff-fixture.ts";

// « Enregistrer un règlement » (French amounts, bounds, nothing saved on a refusal), the
// payments list with its totals per method, and the PayFiP attempts.

let p: TestPlatform;
let invoice: Awaited<ReturnType<typeof seedInvoice>>;

beforeAll(async () => {
  p = await createTestPlatform();
  p.setNow(new Date("2026-11-20T10:00:00Z"));
  invoice = await seedInvoice(p, "senneceylesdijon", "1001", "alsh", [
    { label: "Accueil du mercredi – Enfant 1", quantity: 2, unitCents: 1200, day: "2026-10-07" },
  ]);
}, 120_000);
afterAll(() => p?.close());

const url = () => `/agents/facturation/factures/${invoice.id}/reglement`;
const payments = () =>
  p.owner.selectFrom("payments").selectAll().where("invoice_id", "=", invoice.id).execute();
const form = (over: Record<string, string>) => ({
  mode: "cheque",
  montant: "12,50",
  date: "2026-11-18",
  reference: "0001234",
  ...over,
});

describe("« Enregistrer un règlement »", () => {
  it("refuses a wrong amount, date or method at its field, with the values kept and nothing saved", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    const cases: [Record<string, string>, string, string][] = [
      [{ montant: "12,505" }, "montant", "au plus deux chiffres après la virgule"],
      [{ montant: "0,00" }, "montant", "supérieur à zéro"],
      [{ montant: "-5" }, "montant", "un nombre en euros"],
      [{ montant: "" }, "montant", "Indiquez le montant"],
      [{ montant: "24,01" }, "montant", "dépasse le reste à payer (24,00"],
      [{ date: "2026-11-21" }, "date", "ne peut pas être dans le futur"],
      [{ date: "hier" }, "date", "Indiquez la date"],
      [{ mode: "payfip_card" }, "mode", "Choisissez le mode de règlement."],
      [{ reference: "x".repeat(51) }, "reference", "ne doit pas dépasser 50 caractères"],
    ];
    for (const [over, field, message] of cases) {
      const res = await staff.post(url(), form(over));
      expect(res.status, JSON.stringify(over)).toBe(422);
      const html = await res.text();
      expect(html, field).toContain(`id="f-${field}-error"`);
      expect(html).toContain(message.replace(/'/g, "&#39;"));
      expect(html).toContain(`value="${form(over).reference}"`);
    }
    expect(await payments()).toEqual([]);
  });

  it("records a cheque of « 12,50 », then the rest in cash: partly paid, then paid", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    const res = await staff.post(url(), form({}));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/agents/facturation/factures/${invoice.id}?fait=reglement`);
    const [cheque] = await payments();
    expect(cheque).toMatchObject({
      method: "cheque",
      amount_cents: "1250",
      received_on: "2026-11-18",
      reference: "0001234",
    });
    expect(await auditOf(p, "payments", cheque?.id as string)).toEqual([
      { action: "create", actor_kind: "staff", fields: ["method", "amount_cents"] },
    ]);
    let page = await textOf(await staff.get(`/agents/facturation/factures/${invoice.id}?fait=reglement`));
    expect(page).toContain("Le règlement a été enregistré.");
    expect(page).toContain("État Partiellement payée");
    expect(page).toContain("Reste à payer 11,50 €");
    expect(page).toContain("Chèque 0001234 12,50 €");

    expect((await staff.post(url(), form({ mode: "especes", montant: "11,51", reference: "" }))).status).toBe(
      422,
    );
    expect((await staff.post(url(), form({ mode: "especes", montant: "11,5", reference: "" }))).status).toBe(
      303,
    );
    page = await textOf(await staff.get(`/agents/facturation/factures/${invoice.id}`));
    expect(page).toContain("État Payée");
    expect(page).not.toContain("Enregistrer le règlement");
    const after = await staff.post(url(), form({ montant: "0,01" }));
    expect(after.status).toBe(422);
    expect(await after.text()).toContain("dépasse le reste à payer (0,00");
    expect(await payments()).toHaveLength(2);
  });

  it("lists payments with totals per method, filtered by method, régie and dates", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    let page = await textOf(await staff.get("/agents/facturation/paiements"));
    expect(page).toContain("Chèque 1 12,50 €");
    expect(page).toContain("Espèces 1 11,50 €");
    expect(page).toContain("Total 2 24,00 €");
    page = await textOf(await staff.get("/agents/facturation/paiements?mode=especes"));
    expect(page).toContain("Total 1 11,50 €");
    expect(page).not.toContain("0001234");
    page = await textOf(
      await staff.get(`/agents/facturation/paiements?regie=${invoice.regieId}&du=2026-11-19`),
    );
    expect(page).toContain("Aucun règlement ne correspond");
    page = await textOf(await staff.get("/agents/facturation/paiements?du=2026-11-01&au=2026-11-30"));
    expect(page).toContain("Total 2 24,00 €");
  });

  it("shows the PayFiP attempts with their state in French, filtered by state", async () => {
    const other = await seedInvoice(p, "senneceylesdijon", "1001", "alsh", [
      { label: "Garderie", quantity: 3, unitCents: 300 },
    ]);
    const user = await p.owner
      .selectFrom("users")
      .select("id")
      .where("email", "=", "parent1.mairie@senneceylesdijon.test")
      .executeTakeFirstOrThrow();
    const attempt = (refdet: string, state: "refused" | "error", error: string | null) => ({
      tenant_id: other.tenantId,
      regie_id: other.regieId,
      household_id: other.householdId,
      invoice_id: other.id,
      created_by: user.id,
      refdet,
      idop: crypto.randomUUID(),
      amount_cents: 900,
      state,
      error,
      checks: 2,
    });
    await p.owner
      .insertInto("payment_attempts")
      .values([
        attempt("AL22026111901", "refused", null),
        attempt("AL22026111902", "error", "Le service de paiement ne répond pas."),
      ])
      .execute();
    // A basket's attempt (paid at booking) has no invoice yet: it is listed all the same.
    const basket = await p.owner
      .insertInto("baskets")
      .values({
        tenant_id: other.tenantId,
        household_id: other.householdId,
        regie_id: other.regieId,
        state: "paying",
        expires_at: new Date(Date.now() + 3_600_000),
        created_by: user.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await p.owner
      .insertInto("payment_attempts")
      .values({
        ...attempt("AL22026111903", "refused", null),
        invoice_id: null,
        basket_id: basket.id,
        state: "pending",
      })
      .execute();
    const staff = await staffOf(p, "senneceylesdijon");
    let page = await textOf(await staff.get("/agents/facturation/payfip"));
    expect(page).toContain("3 tentatives");
    expect(page).toContain("Panier (paiement à la réservation) 9,00 € AL22026111903");
    expect(page).toContain(`Facture ${other.number} 9,00 € AL22026111901`);
    expect(page).toContain("Refusée 2");
    expect(page).toContain("En erreur 2 Le service de paiement ne répond pas.");
    page = await textOf(await staff.get("/agents/facturation/payfip?etat=refused"));
    expect(page).toContain("1 tentative");
    expect(page).not.toContain("AL22026111902");
  });

  it("is for the town's staff only: 403 to a parent, 404 on another town's invoice", async () => {
    const parent = await signIn(p, "senneceylesdijon", "parent1.mairie@senneceylesdijon.test");
    for (const path of [
      "/agents/facturation",
      "/agents/facturation/factures",
      "/agents/facturation/paiements",
      "/agents/facturation/payfip",
      `/agents/facturation/factures/${invoice.id}`,
    ])
      expect((await parent.get(path)).status, path).toBe(403);
    expect((await parent.post(url(), form({ montant: "1" }))).status).toBe(403);
    const sene = await staffOf(p, "sene");
    expect((await sene.get(`/agents/facturation/factures/${invoice.id}`)).status).toBe(404);
    expect((await sene.get(`/agents/facturation/factures/${invoice.id}/pdf`)).status).toBe(404);
    expect((await sene.post(url(), form({ montant: "1" }))).status).toBe(404);
    expect(await textOf(await sene.get("/agents/facturation/paiements"))).toContain("Aucun règlement");
    expect(await payments()).toHaveLength(2);
  });
});
