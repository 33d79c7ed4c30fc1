import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// A Plombières agent finds « dupont » from the staff's home, opens the household's file and
// changes its phone directly (applied at once); axe-core runs on every page visited.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");

describe("the household file for staff in a browser (Plombières)", () => {
  it("staff search « dupont », open the file and edit the phone", { timeout: 90_000 }, async () => {
    const staff = await e2e.newPage();
    const { page } = staff;
    await page.goto(e2e.url("plombieres", "/agents/connexion"));
    await page.getByLabel("Adresse e-mail").fill("admin@plombieres.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await page.getByRole("link", { name: "Rechercher un foyer" }).click();
    await h1(page).filter({ hasText: "Rechercher un foyer" }).waitFor();
    await checkA11y(page);

    // Typed as you go: the results change in place, without pressing « Rechercher ».
    await page.getByRole("searchbox").pressSequentially("martin", { delay: 20 });
    await page.locator("#resultats").getByText("1 foyer trouvé").waitFor();
    expect(await textOf(page.locator("#resultats"))).toContain("Mme MARTIN");
    await h1(page).filter({ hasText: "Rechercher un foyer" }).waitFor();
    expect(page.url()).toContain("q=martin");

    await page.getByRole("searchbox").fill("dupont");
    await page.getByRole("button", { name: "Rechercher" }).click();
    await page.getByText("1 foyer trouvé").waitFor();
    await checkA11y(page);
    await page.getByRole("link", { name: "M. et Mme DUPONT" }).click();
    await h1(page).filter({ hasText: "M. et Mme DUPONT" }).waitFor();
    const file = await textOf(page.locator("main"));
    expect(file).toContain("1001001818331");
    expect(file).toContain("Lucas DUPONT");
    expect(file).toContain("Médecin traitant (Lucas)");
    await checkA11y(page);

    await page.getByRole("link", { name: "Modifier les coordonnées du foyer" }).click();
    await h1(page).filter({ hasText: "Coordonnées du foyer" }).waitFor();
    await checkA11y(page);
    await page.getByLabel("Téléphone principal").fill("03 80");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.locator("#f-phone_main-error").filter({ hasText: "Numéro de téléphone invalide" }).waitFor();
    await checkA11y(page);
    await page.getByLabel("Téléphone principal").fill("03 80 41 00 00");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("status").filter({ hasText: "Les modifications ont été appliquées" }).waitFor();
    await h1(page).filter({ hasText: "M. et Mme DUPONT" }).waitFor();
    expect(await textOf(page.locator("main"))).toContain("03 80 41 00 00");
    await checkA11y(page);
    expectNoPageErrors(staff);
  });
});
