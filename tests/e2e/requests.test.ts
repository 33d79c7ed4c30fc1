import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// Plombières sends every change to the town: a parent asks for a new address, staff refuse it
// with a reason, the parent sends it again, staff accept it, and « Liste des demandes » shows
// both decisions. axe-core runs on every page visited.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const NEW_ADDRESS = "5 rue des Roses";

async function askForAddress(page: Page) {
  await page.goto(e2e.url("plombieres", "/foyer/coordonnees"));
  await page.locator("#f-address_line").fill(NEW_ADDRESS);
  await page.locator("#f-postal_code").fill("21370");
  await page.locator("#f-city").fill("PLOMBIÈRES-LÈS-DIJON");
  await page.getByRole("button", { name: "Envoyer la demande" }).click();
  await page.getByRole("status").filter({ hasText: "Votre demande a été envoyée" }).waitFor();
}

async function openQueue(page: Page) {
  await page.goto(e2e.url("plombieres", "/agents/demandes"));
  await h1(page).filter({ hasText: "Demandes à traiter" }).waitFor();
  const card = page
    .locator("article")
    .filter({ hasText: "M. et Mme DUPONT" })
    .filter({ hasText: NEW_ADDRESS });
  await card.waitFor();
  await checkA11y(page);
  return card;
}

describe("« Liste des demandes » in a browser (Plombières)", () => {
  it("an address change is refused with a reason, sent again, accepted, and listed", {
    timeout: 90_000,
  }, async () => {
    const parent = await e2e.newPage();
    const staff = await e2e.newPage();
    const p = parent.page;
    const s = staff.page;

    await p.goto(e2e.url("plombieres", "/connexion"));
    await p.getByLabel("Identifiant").fill("jdupont");
    await p.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await p.getByRole("button", { name: "Connexion" }).click();
    await h1(p).filter({ hasText: "Bienvenue" }).waitFor();
    await askForAddress(p);

    await s.goto(e2e.url("plombieres", "/agents/connexion"));
    await s.getByLabel("Adresse e-mail").fill("admin@plombieres.test");
    await s.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await s.getByRole("button", { name: "Connexion" }).click();
    await s.getByRole("link", { name: "Demandes à traiter" }).click();
    let card = await openQueue(s);
    await card.getByLabel("Motif du refus").fill("Merci de joindre un justificatif de domicile");
    await card.getByRole("button", { name: /^Refuser/ }).click();
    await s.getByRole("status").filter({ hasText: "La demande a été refusée" }).waitFor();
    await checkA11y(s);

    await p.goto(e2e.url("plombieres", "/"));
    await p.getByRole("link", { name: /Liste des demandes/ }).click();
    await h1(p).filter({ hasText: "Liste des demandes" }).waitFor();
    const refused = await textOf(p.locator("main"));
    expect(refused).toContain("Demandes refusées");
    expect(refused).toContain("Merci de joindre un justificatif de domicile");
    await checkA11y(p);

    await askForAddress(p);
    card = await openQueue(s);
    await card.getByRole("button", { name: /^Accepter/ }).click();
    await s.getByRole("status").filter({ hasText: "La demande a été acceptée" }).waitFor();

    await p.goto(e2e.url("plombieres", "/demandes"));
    const rows = p.locator("main table");
    await p.getByRole("heading", { name: "Demandes acceptées" }).waitFor();
    expect(await textOf(rows.nth(0))).toContain("Merci de joindre un justificatif de domicile");
    expect(await textOf(rows.nth(1))).toContain(NEW_ADDRESS);
    await p.getByRole("link", { name: "Informations fiscales" }).click();
    await p.getByText("Aucune demande de ce type depuis un mois.").waitFor();
    await checkA11y(p);
    await p.goto(e2e.url("plombieres", "/dossier"));
    await h1(p).filter({ hasText: "Mon dossier" }).waitFor();
    await checkA11y(p);
    expectNoPageErrors(parent);
    expectNoPageErrors(staff);
  });
});
