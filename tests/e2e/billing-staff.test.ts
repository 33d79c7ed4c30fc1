import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { book } from "../../src/features/planning/booking/booking-service.ts";
import { allPeriods } from "../../src/features/planning/offer/period-service.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";
import { ownerDb, type TestDatabase } from "../helpers/db.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";

// A Sennecey admin runs October 2026's invoicing for the canteen (two days eaten, booked in
// September and marked present), issues it, and records a cheque on the invoice: it then
// reads « Partiellement payée ». The browser runs on the real clock (after October 2026).

let e2e: E2E;
let owner: Kysely<DB>;

beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
  const householdId = await completeFile({ owner } as TestDatabase, "senneceylesdijon", "1001");
  await owner
    .updateTable("households")
    .set({ family_quotient: 800, postal_code: "21800" })
    .where("id", "=", householdId)
    .execute();
  const tenant = await townOf({ owner } as TestDatabase, "senneceylesdijon");
  const user = await owner
    .selectFrom("users")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const child = await owner
    .selectFrom("children")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const days = ["2026-10-05", "2026-10-06"];
  const ctx = { role: "app_parent" as const, tenantId: tenant.id, userId: user.id, householdId };
  await e2e.platform.deps.db.withTenant(ctx, async (trx) => {
    const period = (await allPeriods(trx)).find((x) => x.key === "restauration-2026-2027");
    await book(
      trx,
      {
        tenant,
        actor: { kind: "parent", userId: user.id },
        actorName: "Parent 1",
        householdId,
        now: new Date("2026-09-25T08:00:00Z"),
      },
      { periodId: period?.id as string, childIds: [child.id], days, idempotencyKey: crypto.randomUUID() },
    );
  });
  await owner
    .updateTable("bookings")
    .set({ attendance: "present" })
    .where("child_id", "=", child.id)
    .where("day", "in", days)
    .execute();
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

describe("« Facturation » in a browser (Sennecey)", () => {
  it("staff run a month's invoicing and record a cheque", { timeout: 90_000 }, async () => {
    const staff = await e2e.newPage();
    const { page } = staff;
    const h1 = page.locator("main h1");
    await page.goto(e2e.url("senneceylesdijon", "/agents/connexion"));
    await page.getByLabel("Adresse e-mail").fill("admin@senneceylesdijon.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await page.getByRole("link", { name: "Facturation", exact: true }).click();
    await h1.filter({ hasText: "Facturation du mois" }).waitFor();
    await checkA11y(page);

    await page.getByLabel("Régie").selectOption({ label: "Régie restauration scolaire" });
    await page.getByLabel("Mois").fill("2026-10");
    await page.getByRole("button", { name: "Aperçu" }).click();
    await page
      .getByRole("heading", { name: "Aperçu – Régie restauration scolaire – octobre 2026" })
      .waitFor();
    expect(await textOf(page.locator(".stats"))).toMatch(/1\s*foyer\s*2\s*lignes\s*8,80\s*€\s*au total/);
    await checkA11y(page);

    // Irreversible: the totals are shown and must be confirmed first.
    await page.getByLabel("Je confirme l'émission de 1 facture pour un total de 8,80 €").check();
    await page.getByRole("button", { name: "Émettre les factures" }).click();
    await page.getByRole("status").filter({ hasText: "1 facture émise" }).waitFor();
    expect(await textOf(page.locator("main"))).toContain("Facturations émises");
    await checkA11y(page);

    await page.getByRole("link", { name: "Factures", exact: true }).click();
    await h1.filter({ hasText: "Factures" }).waitFor();
    await page.getByRole("link", { name: "Facture RS-1" }).click();
    await h1.filter({ hasText: "Facture RS-1" }).waitFor();
    await checkA11y(page);

    await page.getByLabel("Mode de règlement").selectOption({ label: "Chèque" });
    await page.getByLabel("Montant en euros").fill("5,505");
    await page.getByRole("button", { name: "Enregistrer le règlement" }).click();
    await page
      .locator("#f-montant-error")
      .filter({ hasText: "au plus deux chiffres après la virgule" })
      .waitFor();
    await checkA11y(page);
    await page.getByLabel("Montant en euros").fill("5,50");
    await page.getByLabel("Référence (n° de chèque, de CESU ou de virement)").fill("7654321");
    await page.getByRole("button", { name: "Enregistrer le règlement" }).click();
    await page.getByRole("status").filter({ hasText: "Le règlement a été enregistré." }).waitFor();
    const facts = await textOf(page.locator(".facts"));
    expect(facts).toMatch(/État\s*Partiellement payée/);
    expect(facts).toMatch(/Reste à payer\s*3,30\s*€/);
    expect(await textOf(page.locator("main"))).toContain("7654321");
    await checkA11y(page);
    expectNoPageErrors(staff);
  });
});
