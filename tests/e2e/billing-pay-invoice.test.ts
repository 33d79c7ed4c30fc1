import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { euros } from "../../src/features/billing/pricing/pricing.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";
import { ownerDb, type TestDatabase } from "../helpers/db.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { issuedInvoice } from "../integration/billing-parent-fixture.ts";

// Issue 5: a Plombières parent pays an unpaid invoice from the home page through the PayFiP
// simulator's page, comes back to « Paiement accepté », and the « Relevé de compte » balances.

let e2e: E2E;
let owner: Kysely<DB>;

beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
  const householdId = await completeFile({ owner } as TestDatabase, "plombieres", "1001001818331");
  await issuedInvoice(owner, householdId, {
    number: "EJ-700",
    seq: 700,
    lines: [["Accueil du mercredi – journée", 2, 750]],
  });
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");

describe("paying an invoice online (Plombières)", () => {
  it("from « Factures impayées » to PayFiP and back, then the statement balances", {
    timeout: 90_000,
  }, async () => {
    const parent = await e2e.newPage();
    const p = parent.page;
    // The simulator stands in for payfip.gouv.fr: let the browser reach it (routes run newest first).
    const simulator = new URL(e2e.platform.payfipUrl as string).origin;
    await parent.context.route(
      (url) => url.origin === simulator,
      (route) => route.continue(),
    );
    await p.goto(e2e.url("plombieres", "/connexion"));
    await p.getByLabel("Identifiant").fill("jdupont");
    await p.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await p.getByRole("button", { name: "Connexion" }).click();
    await h1(p).filter({ hasText: "Bienvenue" }).waitFor();
    const home = await textOf(p.locator("main"));
    expect(home).toContain("1 facture à payer");
    expect(home).toContain("Factures impayées");
    await checkA11y(p);

    await p.getByRole("link", { name: "Payer la facture EJ-700" }).click();
    await h1(p).filter({ hasText: "Facture n° EJ-700" }).waitFor();
    expect(await textOf(p.locator("main"))).toContain("À payer");
    await checkA11y(p);

    await p.getByRole("button", { name: `Payer en ligne la facture EJ-700 (${euros(1500)})` }).click();
    await p.waitForURL((url) => url.origin === simulator);
    await p.getByRole("heading", { name: "Paiement en ligne" }).waitFor();
    await checkA11y(p);
    await p.getByRole("button", { name: "Payer par carte bancaire (paiement accepté)" }).click();

    await h1(p).filter({ hasText: "Paiement accepté" }).waitFor();
    expect(new URL(p.url()).pathname).toBe("/paiement/retour");
    expect(await textOf(p.locator("main"))).toContain("Facture n° EJ-700");
    await checkA11y(p);

    await p.goto(e2e.url("plombieres", "/releve"));
    await h1(p).filter({ hasText: "Relevé de compte" }).waitFor();
    const statement = p.getByRole("table", { name: /Relevé des opérations/ });
    expect(await textOf(statement)).toContain("Facture EJ-700");
    expect(await textOf(statement)).toContain("Règlement en ligne par carte – facture EJ-700");
    expect(await textOf(p.locator("#solde"))).toBe(euros(0));
    await checkA11y(p);

    await p.goto(e2e.url("plombieres", "/factures"));
    await h1(p).filter({ hasText: "Mes factures" }).waitFor();
    expect(await textOf(p.locator("main"))).toContain("Aucune facture à payer.");
    await checkA11y(p);
    expectNoPageErrors(parent);
    const payments = await owner.selectFrom("payments").select(["method", "amount_cents"]).execute();
    expect(payments.map((x) => [x.method, Number(x.amount_cents)])).toEqual([["payfip_card", 1500]]);
  });
});
