import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statementFor } from "../../src/features/billing/statement/statement.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { auditOf, seedInvoice, signIn, staffOf, textOf } from "./billing-staff-fixture.ts";

// « Créer un avoir »: an issued invoice is never edited; an avoir credits chosen lines or an
// amount with its reason, numbered on its own gapless counter, within what is left to pay.

let p: TestPlatform;
let invoice: Awaited<ReturnType<typeof seedInvoice>>;
let lineIds: string[];

beforeAll(async () => {
  p = await createTestPlatform();
  invoice = await seedInvoice(p, "senneceylesdijon", "1001", "restauration", [
    { label: "Restauration scolaire – Enfant 1", quantity: 1, unitCents: 440, day: "2026-10-05" },
    { label: "Restauration scolaire – Enfant 1", quantity: 1, unitCents: 440, day: "2026-10-06" },
    { label: "Restauration scolaire – Enfant 1", quantity: 1, unitCents: 440, day: "2026-10-08" },
  ]);
  lineIds = (
    await p.owner
      .selectFrom("invoice_lines")
      .select("id")
      .where("invoice_id", "=", invoice.id)
      .orderBy("position")
      .execute()
  ).map((l) => l.id);
}, 120_000);
afterAll(() => p?.close());

const url = () => `/agents/facturation/factures/${invoice.id}/avoir`;
const credits = () =>
  p.owner
    .selectFrom("invoices")
    .selectAll()
    .where("credited_invoice_id", "=", invoice.id)
    .orderBy("seq")
    .execute();
const invoiceRow = () =>
  p.owner.selectFrom("invoices").selectAll().where("id", "=", invoice.id).executeTakeFirstOrThrow();

describe("« Créer un avoir » on an issued invoice", () => {
  it("credits the ticked lines with AV-RS-1 and never edits the invoice", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    const before = await invoiceRow();
    const form = await staff.get(url());
    expect(form.status).toBe(200);
    expect(await textOf(form)).toContain("Reste à payer : 13,20 €");

    const res = await staff.post(url(), [
      ["mode", "lignes"],
      ["lignes", lineIds[0] as string],
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/agents/facturation/factures/${invoice.id}?fait=avoir`);
    const [credit] = await credits();
    expect(credit).toMatchObject({
      kind: "credit_note",
      number: "AV-RS-1",
      total_cents: "440",
      regie_id: invoice.regieId,
    });
    const lines = await p.owner
      .selectFrom("invoice_lines")
      .selectAll()
      .where("invoice_id", "=", credit?.id as string)
      .execute();
    expect(lines.map((l) => [l.day, l.amount_cents, l.booking_id])).toEqual([["2026-10-05", "440", null]]);
    expect(await invoiceRow()).toEqual(before);
    expect(await auditOf(p, "invoices", credit?.id as string)).toEqual([
      { action: "create", actor_kind: "staff", fields: ["credit_note", "total_cents"] },
    ]);

    const page = await textOf(await staff.get(`/agents/facturation/factures/${invoice.id}?fait=avoir`));
    expect(page).toContain("L'avoir a été créé.");
    expect(page).toContain("Avoir AV-RS-1");
    expect(page).toContain("Reste à payer 8,80 €");
    // Only a credit note reduced it: no money was received, so not « Partiellement payée ».
    expect(page).toContain("État À payer");
    const statement = await p.db.withTenant(
      { role: "app_staff", tenantId: invoice.tenantId, userId: crypto.randomUUID() },
      (trx) => statementFor(trx, invoice.householdId, invoice.regieId, "2026-2027"),
    );
    expect(statement.operations.find((o) => o.label === "Avoir AV-RS-1")?.creditCents).toBe(440);
  });

  it("refuses a line already credited, or no line, with nothing saved", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    const again = await staff.post(url(), [
      ["mode", "lignes"],
      ["lignes", lineIds[0] as string],
    ]);
    expect(again.status).toBe(422);
    const html = await again.text();
    expect(html).toContain("Une des lignes cochées a déjà fait l&#39;objet d&#39;un avoir.");
    expect(html).toContain('aria-describedby="f-lignes-error"');
    expect(html).toContain("déjà créditée par l'avoir AV-RS-1");
    const none = await staff.post(url(), { mode: "lignes" });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain("Cochez au moins une ligne de la facture.");
    expect(await credits()).toHaveLength(1);
  });

  it("checks an amount's form, its reason and that it stays within what is left, keeping the counter gapless", async () => {
    const staff = await staffOf(p, "senneceylesdijon");
    const cases: [Record<string, string>, string, string][] = [
      [{ montant: "4,405", motif: "Erreur" }, "montant", "au plus deux chiffres après la virgule"],
      [{ montant: "0", motif: "Erreur" }, "montant", "supérieur à zéro"],
      [{ montant: "4,40", motif: " " }, "motif", "Indiquez le motif de l&#39;avoir"],
      [{ montant: "8,81", motif: "Erreur" }, "montant", "dépasse ce qui reste facturé sans avoir (8,80"],
    ];
    for (const [form, field, message] of cases) {
      const res = await staff.post(url(), { mode: "montant", ...form });
      expect(res.status, JSON.stringify(form)).toBe(422);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain(`id="f-${field}-error"`);
      expect(html).toContain(`value="${form.montant}"`);
    }
    expect(await credits()).toHaveLength(1);

    const ok = await staff.post(url(), {
      mode: "montant",
      montant: "8,80",
      motif: "Repas non servis (grève)",
    });
    expect(ok.status).toBe(303);
    const [, second] = await credits();
    expect(second).toMatchObject({ number: "AV-RS-2", seq: "2", total_cents: "880" });
    const lines = await p.owner
      .selectFrom("invoice_lines")
      .selectAll()
      .where("invoice_id", "=", second?.id as string)
      .execute();
    expect(lines.map((l) => [l.label, l.quantity, l.unit_cents])).toEqual([
      ["Avoir : Repas non servis (grève)", 1, "880"],
    ]);
    const page = await textOf(await staff.get(`/agents/facturation/factures/${invoice.id}`));
    expect(page).toContain("État Soldée par avoir");
    expect(page).not.toContain("Créer un avoir");
    expect((await staff.get(url())).status).toBe(409);
    const late = await staff.post(url(), { mode: "montant", montant: "0,01", motif: "x" });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("entièrement reprise par des avoirs");
    expect(await credits()).toHaveLength(2);
  });

  it("answers 404 for an avoir, another town's invoice or a bad id, and 403 to a parent", async () => {
    const [credit] = await credits();
    const staff = await staffOf(p, "senneceylesdijon");
    const onCredit = await staff.post(`/agents/facturation/factures/${credit?.id}/avoir`, {
      mode: "lignes",
      lignes: lineIds[1] as string,
    });
    expect(onCredit.status).toBe(404);
    expect((await staff.get(`/agents/facturation/factures/${credit?.id}`)).status).toBe(200);
    expect((await staff.get("/agents/facturation/factures/pas-un-id/avoir")).status).toBe(404);

    const other = await seedInvoice(p, "sene", "1001", (await regieKey("sene")) as string, [
      { label: "Restauration", quantity: 2, unitCents: 300 },
    ]);
    const foreign = await staff.post(`/agents/facturation/factures/${other.id}/avoir`, {
      mode: "montant",
      montant: "1",
      motif: "x",
    });
    expect(foreign.status).toBe(404);
    expect((await staff.get(`/agents/facturation/factures/${other.id}`)).status).toBe(404);
    const parent = await signIn(p, "senneceylesdijon", "parent1.mairie@senneceylesdijon.test");
    expect((await parent.get(url())).status).toBe(403);
    expect((await parent.post(url(), { mode: "montant", montant: "1", motif: "x" })).status).toBe(403);
    expect(
      await p.owner.selectFrom("invoices").select("id").where("credited_invoice_id", "=", other.id).execute(),
    ).toEqual([]);
  });
});

async function regieKey(slug: string) {
  const row = await p.owner
    .selectFrom("regies")
    .select("key")
    .where("tenant_id", "=", p.tenants.get(slug) as string)
    .executeTakeFirst();
  return row?.key;
}
