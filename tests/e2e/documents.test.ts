import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// « Mes documents » in Chromium: a Sennecey parent uploads a good PDF, is refused a renamed
// .exe with the message at the file field, and the town's agent validates the PDF.
// axe-core runs on every page visited.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const PDF = readFileSync(
  new URL("../../tenants/forms/senneceylesdijon/fiche-sanitaire-de-liaison.pdf", import.meta.url),
);
const EXE = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(510, 0x90)]);

async function logIn(page: Page, path: string, email: string, heading: string) {
  await page.goto(e2e.url("senneceylesdijon", path));
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Connexion" }).click();
  await h1(page).filter({ hasText: heading }).waitFor();
}

describe("« Mes documents » in a browser", () => {
  it("uploads a PDF, refuses a renamed .exe at the field, and staff validate", {
    timeout: 90_000,
  }, async () => {
    const p = await e2e.newPage();
    const { page } = p;
    await logIn(page, "/", "parent1.mairie@senneceylesdijon.test", "Bienvenue Parent 1 MAIRIE");
    await page.getByRole("link", { name: /Mes documents/ }).click();
    await h1(page).filter({ hasText: "Mes documents" }).waitFor();
    expect(await textOf(page.locator("#documents-rules"))).toContain("PDF, JPG, JPEG, GIF, PNG");
    await checkA11y(page);

    const form = page.getByRole("form", { name: "Déposer un document pour le foyer" });
    await form.getByLabel("Type de document").selectOption({ label: "Attestation QF CAF ou MSA" });
    await form
      .getByLabel("Fichier")
      .setInputFiles({ name: "attestation-caf.pdf", mimeType: "application/pdf", buffer: PDF });
    await form.getByRole("button", { name: "Déposer le document" }).click();
    await page.getByRole("status").filter({ hasText: "Votre document a été déposé." }).waitFor();
    const row = page.getByRole("row").filter({ hasText: "attestation-caf.pdf" });
    expect(await textOf(row)).toContain("Déposé");
    await checkA11y(page);

    // A program renamed as a PDF: refused from its content, the message tied to the field.
    const again = page.getByRole("form", { name: "Déposer un document pour le foyer" });
    await again.getByLabel("Type de document").selectOption({ label: "Avis d'imposition" });
    await again
      .getByLabel("Fichier")
      .setInputFiles({ name: "avis.pdf", mimeType: "application/pdf", buffer: EXE });
    await again.getByRole("button", { name: "Déposer le document" }).click();
    const error = page.locator("#household-file-error");
    await error.waitFor();
    expect(await textOf(error)).toContain("n'est pas dans un format accepté");
    expect(await page.getByLabel("Fichier").first().getAttribute("aria-describedby")).toContain(
      "household-file-error",
    );
    expect(await page.getByLabel("Type de document").first().inputValue()).toBe("avis_imposition");
    expect(await page.getByRole("row").filter({ hasText: "avis.pdf" }).count()).toBe(0);
    await checkA11y(page);
    expectNoPageErrors(p);

    // The town's agent sees it, with the family and its N° Famille, and validates it.
    const s = await e2e.newPage();
    await logIn(s.page, "/agents/connexion", "agent@senneceylesdijon.test", "Espace agents");
    await s.page.getByRole("link", { name: "Documents à valider" }).click();
    await h1(s.page).filter({ hasText: "Documents à valider" }).waitFor();
    const line = s.page.getByRole("row").filter({ hasText: "attestation-caf.pdf" });
    expect(await textOf(line)).toContain("N° Famille : 1001");
    await checkA11y(s.page);
    await line.getByRole("button", { name: /^Valider/ }).click();
    await s.page.getByRole("status").filter({ hasText: "Le document a été validé." }).waitFor();
    await checkA11y(s.page);
    expectNoPageErrors(s);

    await page.goto(e2e.url("senneceylesdijon", "/documents"));
    expect(await textOf(page.getByRole("row").filter({ hasText: "attestation-caf.pdf" }))).toContain(
      "Validé",
    );
  });
});
