import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAttempt } from "../../src/features/billing/payments/online/invoice-attempt.ts";
import { townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { auditOf, seedInvoice, signIn, staffOf, textOf } from "./billing-staff-fixture.ts";

// « Transmettre au Trésor (titre) »: only an unpaid invoice of a régie that hands its debts to
// the Treasury (Plombières); it then reads « Titre émis (ORMC n° …) » and is not paid online.

let p: TestPlatform;
const NOW = new Date("2026-12-15T09:30:00Z");

beforeAll(async () => {
  p = await createTestPlatform();
  p.setNow(NOW);
}, 120_000);
afterAll(() => p?.close());

const row = (id: string) =>
  p.owner
    .selectFrom("invoices")
    .select(["treasury_ref", "treasury_at", "total_cents"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
const tresor = (id: string) => `/agents/facturation/factures/${id}/tresor`;

describe("« Transmettre au Trésor »", () => {
  it("needs a valid ORMC number, then marks the invoice « Titre émis » and stops online payment", async () => {
    const invoice = await seedInvoice(p, "plombieres", "1001001818331", "enfance", [
      { label: "Restauration – Lucas", quantity: 4, unitCents: 410 },
    ]);
    const staff = await staffOf(p, "plombieres");
    expect(await textOf(await staff.get(`/agents/facturation/factures/${invoice.id}`))).toContain(
      "Transmettre au Trésor (titre)",
    );
    for (const [ormc, message] of [
      ["  ", "Indiquez le numéro du titre ORMC émis par la trésorerie."],
      ["<b>12</b>", "au plus 40 lettres, chiffres"],
    ] as const) {
      const res = await staff.post(tresor(invoice.id), { ormc });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('aria-describedby="f-ormc-hint f-ormc-error"');
    }
    expect((await row(invoice.id)).treasury_ref).toBeNull();

    const ok = await staff.post(tresor(invoice.id), { ormc: " 2026-000123 " });
    expect(ok.status).toBe(303);
    expect(await row(invoice.id)).toEqual({
      treasury_ref: "2026-000123",
      treasury_at: NOW,
      total_cents: "1640",
    });
    expect(await auditOf(p, "invoices", invoice.id)).toEqual([
      { action: "update", actor_kind: "staff", fields: ["treasury_ref", "treasury_at"] },
    ]);
    const page = await textOf(await staff.get(`/agents/facturation/factures/${invoice.id}?fait=tresor`));
    expect(page).toContain("La facture a été transmise au Trésor public.");
    expect(page).toContain("État Titre émis (ORMC n° 2026-000123)");
    expect(page).not.toContain("Numéro du titre ORMC");
    expect(await textOf(await staff.get("/agents/facturation/factures?etat=treasury"))).toContain(
      `Facture ${invoice.number}`,
    );

    const again = await staff.post(tresor(invoice.id), { ormc: "2026-000999" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("déjà été transmise au Trésor public");
    expect((await row(invoice.id)).treasury_ref).toBe("2026-000123");

    const tenant = await townOf(p, "plombieres");
    const user = await p.owner
      .selectFrom("users")
      .select("id")
      .where("household_id", "=", invoice.householdId)
      .executeTakeFirstOrThrow();
    const parent = {
      role: "app_parent" as const,
      tenantId: tenant.id,
      userId: user.id,
      householdId: invoice.householdId,
    };
    const attempt = p.db.withTenant(parent, (trx) =>
      openAttempt(trx, tenant, user.id, invoice.householdId, invoice.id, NOW),
    );
    await expect(attempt).rejects.toThrow("transmise au Trésor public");
    expect(await p.owner.selectFrom("payment_attempts").select("id").execute()).toEqual([]);
  });

  it("refuses a paid invoice and a régie that collects itself (409, nothing changed), and a parent (403)", async () => {
    const paid = await seedInvoice(p, "plombieres", "1001001818331", "enfance", [
      { label: "Garderie", quantity: 1, unitCents: 240 },
    ]);
    const staff = await staffOf(p, "plombieres");
    const cheque = { mode: "cheque", montant: "2,40", date: "2026-12-14", reference: "" };
    expect((await staff.post(`/agents/facturation/factures/${paid.id}/reglement`, cheque)).status).toBe(303);
    expect(await textOf(await staff.get(`/agents/facturation/factures/${paid.id}`))).not.toContain(
      "Transmettre au Trésor",
    );
    const onPaid = await staff.post(tresor(paid.id), { ormc: "2026-1" });
    expect(onPaid.status).toBe(409);
    expect(await onPaid.text()).toContain("déjà réglée");
    expect((await row(paid.id)).treasury_ref).toBeNull();

    const self = await seedInvoice(p, "senneceylesdijon", "1001", "alsh", [
      { label: "ALSH", quantity: 1, unitCents: 900 },
    ]);
    const sennecey = await staffOf(p, "senneceylesdijon");
    expect(await textOf(await sennecey.get(`/agents/facturation/factures/${self.id}`))).not.toContain(
      "Transmettre au Trésor",
    );
    const onSelf = await sennecey.post(tresor(self.id), { ormc: "2026-2" });
    expect(onSelf.status).toBe(409);
    expect(await onSelf.text()).toContain("encaisse elle-même ses impayés");
    expect((await row(self.id)).treasury_ref).toBeNull();
    expect((await sennecey.post(tresor(paid.id), { ormc: "2026-3" })).status).toBe(404);

    const parent = await signIn(p, "plombieres", "jdupont");
    expect((await parent.post(tresor(paid.id), { ormc: "2026-4" })).status).toBe(403);
  });
});
