import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// A Sennecey parent completes the household file in Chromium, from « Mon dossier » and its
// links, until nothing is missing and the home page lets them book; axe-core runs on every
// page visited and must find nothing (WCAG 2.1 AA).

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const PDF = readFileSync(
  new URL("../../tenants/forms/senneceylesdijon/fiche-sanitaire-de-liaison.pdf", import.meta.url),
);
const INCOMPLETE = "Réservation impossible : formulaire utilisateur incomplet";
const h1 = (page: Page) => page.locator("main h1");
const group = (page: Page, name: RegExp) => page.getByRole("group", { name });

/** « Mon dossier », checked, and the labels of what is still missing. */
async function dossier(page: Page): Promise<string[]> {
  await page.goto(e2e.url("senneceylesdijon", "/dossier"));
  await h1(page).filter({ hasText: "Mon dossier" }).waitFor();
  await checkA11y(page);
  return page.locator("main .missing-items a").allInnerTexts();
}

/** Follows the link of one missing item from « Mon dossier », then the page's « Modifier… » link. */
async function follow(page: Page, item: string, heading: string, edit: string, form: string) {
  await page.getByRole("link", { name: item, exact: true }).click();
  await h1(page).filter({ hasText: heading }).waitFor();
  await checkA11y(page);
  await page.getByRole("link", { name: edit }).click();
  await h1(page).filter({ hasText: form }).waitFor();
  await checkA11y(page);
}

async function save(page: Page, flash: string) {
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByRole("status").filter({ hasText: flash }).waitFor();
  await checkA11y(page);
}

describe("« Mon dossier » in a browser", () => {
  it("a Sennecey parent completes the file until nothing is missing", { timeout: 60_000 }, async () => {
    const p = await e2e.newPage();
    const { page } = p;
    await page.goto(e2e.url("senneceylesdijon", "/connexion"));
    await page.getByLabel("Adresse e-mail").fill("parent1.mairie@senneceylesdijon.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await h1(page).filter({ hasText: "Bienvenue" }).waitFor();
    expect(await textOf(page.locator("main"))).toContain(INCOMPLETE);
    await checkA11y(page);

    await page.getByRole("link", { name: /Voir les informations manquantes/ }).click();
    await h1(page).filter({ hasText: "Mon dossier" }).waitFor();
    expect(await textOf(page.locator("main"))).toContain(INCOMPLETE);
    expect(await dossier(page)).toEqual([
      "Date de naissance (Moi)",
      "Téléphone portable (Moi)",
      "Profession (Moi)",
      "Employeur (Moi)",
      "Régime (CAF ou MSA)",
      "N° allocataire",
      "École (Enfant 1)",
      "Classe (Enfant 1)",
      "Médecin traitant (Enfant 1)",
      "Téléphone du médecin (Enfant 1)",
      "Attestation QF CAF ou MSA",
    ]);

    // « Mon profil »: personal, contact and professional information.
    await follow(
      page,
      "Profession (Moi)",
      "Mon profil",
      "Modifier mes informations",
      "Modifier mes informations",
    );
    await page.getByLabel("Date de naissance").fill("1985-06-01");
    await page.getByLabel("Téléphone portable").fill("06 12 34 56 78");
    await page.getByLabel("Profession", { exact: true }).fill("Agent territorial");
    await page.getByLabel("Employeur", { exact: true }).fill("Mairie de Sennecey-lès-Dijon");
    await save(page, "Vos modifications ont été enregistrées.");
    expect((await dossier(page)).filter((m) => m.endsWith("(Moi)"))).toEqual([]);

    // « Mon foyer »: « Informations complémentaires » (CAF).
    await follow(
      page,
      "N° allocataire",
      "Mon foyer",
      "Modifier les informations complémentaires",
      "Informations complémentaires",
    );
    await page.getByLabel("Organisme").selectOption("CAF");
    await page.getByLabel("N° allocataire").fill("1234567");
    await save(page, "Vos modifications ont été enregistrées.");
    expect(await dossier(page)).not.toContain("N° allocataire");

    // « Mes enfants »: Enfant 1's school and class, then the doctor.
    await follow(
      page,
      "École (Enfant 1)",
      "Enfant 1 MAIRIE",
      "Modifier les données complémentaires",
      "Données complémentaires de Enfant 1",
    );
    await page.getByLabel("École").fill("École élémentaire Jean Moulin");
    await page.getByLabel("Classe").fill("CP");
    await save(page, "Vos modifications sont enregistrées.");
    await page.getByRole("link", { name: "Modifier les renseignements médicaux" }).click();
    await h1(page).filter({ hasText: "Renseignements médicaux de Enfant 1" }).waitFor();
    await checkA11y(page);
    await page.getByLabel("Nom du médecin traitant").fill("Dr Bernard");
    await page.getByLabel("Téléphone du médecin").fill("03 80 36 00 00");
    for (const name of [/^PAI/, /^Port de lunettes/, /^Appareil auditif/])
      await group(page, name).getByLabel("Non").check();
    await save(page, "Vos modifications sont enregistrées.");
    expect(await dossier(page)).toEqual(["Attestation QF CAF ou MSA"]);

    // « Mes documents »: the CAF certificate, « déposé » and awaiting the town, is enough to book.
    await page.getByRole("link", { name: "Attestation QF CAF ou MSA", exact: true }).click();
    await h1(page).filter({ hasText: "Mes documents" }).waitFor();
    await checkA11y(page);
    const form = page.getByRole("form", { name: "Déposer un document pour le foyer" });
    await form.getByLabel("Type de document").selectOption({ label: "Attestation QF CAF ou MSA" });
    await form
      .getByLabel("Fichier")
      .setInputFiles({ name: "attestation-caf.pdf", mimeType: "application/pdf", buffer: PDF });
    await form.getByRole("button", { name: "Déposer le document" }).click();
    await page.getByRole("status").filter({ hasText: "Votre document a été déposé." }).waitFor();
    await checkA11y(page);

    expect(await dossier(page)).toEqual([]);
    expect(await textOf(page.locator("main"))).toContain("Votre dossier est complet : vous pouvez réserver.");
    await page.goto(e2e.url("senneceylesdijon", "/"));
    await h1(page).filter({ hasText: "Bienvenue" }).waitFor();
    expect(await textOf(page.locator("main"))).not.toContain(INCOMPLETE);
    await checkA11y(page);
    expectNoPageErrors(p);
  });
});
