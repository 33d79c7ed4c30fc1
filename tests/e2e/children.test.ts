import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// A Séné parent fills in Paul's medical information and adds an authorised person, in
// Chromium; axe-core runs on every page visited and must find nothing (WCAG 2.1 AA).

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const group = (page: Page, name: RegExp) => page.getByRole("group", { name });

describe("« Mes enfants » in a browser", () => {
  it("a Séné parent adds medical information, an authorised person and a photo for Paul", {
    timeout: 90_000,
  }, async () => {
    const p = await e2e.newPage();
    const { page } = p;
    await page.goto(e2e.url("sene", "/connexion"));
    await page.getByLabel("Adresse e-mail").fill("lola.test@sene.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await h1(page).filter({ hasText: "Bienvenue" }).waitFor();

    await page.getByRole("link", { name: /Mes enfants/ }).click();
    await h1(page).filter({ hasText: "Mes enfants" }).waitFor();
    expect(await textOf(page.locator("main table"))).toContain("Emma-Rose TEST");
    await checkA11y(page);

    await page.getByRole("link", { name: "Paul TEST" }).click();
    await h1(page).filter({ hasText: "Paul TEST" }).waitFor();
    await checkA11y(page);

    // Medical information: a vaccination date in the future is refused at its field first.
    await page.getByRole("link", { name: "Modifier les renseignements médicaux" }).click();
    await h1(page).filter({ hasText: "Renseignements médicaux de Paul" }).waitFor();
    await checkA11y(page);
    await page.getByLabel("Nom du médecin traitant").fill("Dr Le Gall");
    await page.getByLabel("Téléphone du médecin").fill("02 97 11 22 33");
    await page.getByLabel("Vaccin 1", { exact: true }).fill("DTP");
    await page.getByLabel("Date du vaccin 1", { exact: true }).fill("2999-05-02");
    await page.getByLabel("Allergies alimentaires").fill("Arachide");
    await group(page, /^PAI/).getByLabel("Oui").check();
    await group(page, /^Port de lunettes/)
      .getByLabel("Oui")
      .check();
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByText("La date ne peut pas être dans le futur.").waitFor();
    expect(await page.getByLabel("Allergies alimentaires").inputValue()).toBe("Arachide");
    await checkA11y(page);
    await page.getByLabel("Date du vaccin 1", { exact: true }).fill("2023-05-02");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByRole("status").filter({ hasText: "Vos modifications sont enregistrées." }).waitFor();
    const facts = await textOf(page.locator("main"));
    expect(facts).toContain("DTP (02/05/2023)");
    expect(facts).toContain("Arachide");
    await checkA11y(page);

    // An authorised person who is a minor: the parental authorisation is then required.
    await page.getByRole("link", { name: "Ajouter une personne autorisée" }).click();
    await h1(page).filter({ hasText: "Ajouter une personne autorisée pour Paul" }).waitFor();
    await checkA11y(page);
    await page.getByLabel("Prénom").fill("Hugo");
    await page.getByRole("textbox", { name: "Nom", exact: true }).fill("LE ROUX");
    await page.getByLabel("Lien avec l'enfant").fill("Cousin");
    await page.getByRole("textbox", { name: "Téléphone", exact: true }).fill("06 12 34 56 78");
    await group(page, /^À appeler en cas d'urgence/)
      .getByLabel("Oui")
      .check();
    await group(page, /^Cette personne est mineure/)
      .getByLabel("Oui")
      .check();
    await page.getByRole("button", { name: "Ajouter" }).click();
    await page.getByRole("status").filter({ hasText: "Vos modifications sont enregistrées." }).waitFor();
    expect(await textOf(page.getByRole("table", { name: /Personnes autorisées/ }))).toContain(
      "Hugo LE ROUX (mineur)",
    );
    expect(await textOf(page.locator("main"))).toContain("l'autorisation parentale est obligatoire");
    await checkA11y(page);

    // The child's photo: sent as a large PNG, shown resized on the page.
    const png = await sharp({ create: { width: 1200, height: 900, channels: 3, background: "#2a7" } })
      .png()
      .toBuffer();
    await page
      .getByLabel("Ajouter une photo")
      .setInputFiles({ name: "paul.png", mimeType: "image/png", buffer: png });
    await page.getByRole("button", { name: "Envoyer la photo" }).click();
    await page.getByRole("button", { name: "Supprimer la photo" }).waitFor();
    const photo = page.getByRole("img", { name: "Photo de Paul" });
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(600);
    await checkA11y(page);
    expectNoPageErrors(p);
  });
});
