import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// A Sennecey parent completes « Mon profil » (professional information) and the household's
// CAF information in Chromium; axe-core runs on every page visited and must find nothing.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const flash = (page: Page) =>
  page.getByRole("status").filter({ hasText: "Vos modifications ont été enregistrées." });

describe("the household file in a browser", () => {
  it("a Sennecey parent fills in « Mon profil » and « Mon foyer »", { timeout: 90_000 }, async () => {
    const p = await e2e.newPage();
    const { page } = p;
    await page.goto(e2e.url("senneceylesdijon", "/connexion"));
    await page.getByLabel("Adresse e-mail").fill("parent1.mairie@senneceylesdijon.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await h1(page).filter({ hasText: "Bienvenue" }).waitFor();

    // « Mon profil » from its tile, then its form.
    await page
      .getByRole("link", { name: /Mon profil/ })
      .first()
      .click();
    await h1(page).filter({ hasText: "Mon profil" }).waitFor();
    expect(await textOf(page.locator("main"))).toContain("N° Famille : 1001");
    await checkA11y(page);
    await page.getByRole("link", { name: "Modifier mes informations" }).click();
    await h1(page).filter({ hasText: "Modifier mes informations" }).waitFor();
    await checkA11y(page);

    // A mistake first: the message sits at the field, what was typed stays.
    await page.getByLabel("Profession", { exact: true }).fill("Agent territorial");
    await page.getByLabel("Téléphone professionnel", { exact: true }).fill("03 80 47");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.locator("#f-phone_work-error").filter({ hasText: "Numéro de téléphone invalide" }).waitFor();
    expect(await page.getByLabel("Profession", { exact: true }).inputValue()).toBe("Agent territorial");
    await checkA11y(page);

    await page.getByLabel("Employeur", { exact: true }).fill("Mairie de Sennecey-lès-Dijon");
    await page.getByLabel("Adresse de l'employeur").fill("5 rue de l'Église, 21800 Sennecey-lès-Dijon");
    await page.getByLabel("Téléphone professionnel", { exact: true }).fill("03 80 47 00 12");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await flash(page).waitFor();
    await h1(page).filter({ hasText: "Mon profil" }).waitFor();
    const profile = await textOf(page.locator("main"));
    expect(profile).toContain("Agent territorial");
    expect(profile).toContain("Mairie de Sennecey-lès-Dijon");
    expect(profile).toContain("03 80 47 00 12");
    await checkA11y(page);

    // « Mon foyer » → « Informations complémentaires ».
    await page.goto(e2e.url("senneceylesdijon", "/"));
    await page.getByRole("link", { name: /Mon foyer/ }).click();
    await h1(page).filter({ hasText: "Mon foyer" }).waitFor();
    await checkA11y(page);
    await page.getByRole("link", { name: "Modifier les informations complémentaires" }).click();
    await h1(page).filter({ hasText: "Informations complémentaires" }).waitFor();
    await checkA11y(page);
    await page.getByLabel("Organisme").selectOption("CAF");
    await page.getByLabel("N° allocataire").fill("0000000");
    await page.getByLabel("Quotient familial").fill("780");
    await page.getByLabel("Nombre d'enfants", { exact: true }).fill("2");
    await page.getByLabel("Nombre d'enfants à charge").fill("2");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await flash(page).waitFor();
    await h1(page).filter({ hasText: "Mon foyer" }).waitFor();
    const foyer = await textOf(page.locator("main"));
    expect(foyer).toContain("0000000");
    expect(foyer).toContain("780");
    await checkA11y(page);
    expectNoPageErrors(p);
  });
});
