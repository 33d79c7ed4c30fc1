import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// A Séné agent opens « Pointage » for the canteen on a day of January 2027, adds two children
// who came without a booking, marks one « Absent excusé », saves, and downloads the day's CSV.
// axe-core runs on every page visited.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");

async function addUnbooked(page: Page, q: string, name: string) {
  await page.getByLabel("Nom ou prénom de l'enfant").fill(q);
  await page.getByRole("button", { name: "Rechercher un enfant" }).click();
  await page.getByRole("button", { name: `Ajouter ${name} comme présent` }).click();
  await page.getByRole("status").filter({ hasText: "L'enfant a été ajouté à la liste" }).waitFor();
}

describe("« Pointage » in a browser (Séné)", () => {
  it("staff take attendance for a day and download the CSV", { timeout: 90_000 }, async () => {
    const staff = await e2e.newPage();
    const { page } = staff;
    await page.goto(e2e.url("sene", "/agents/connexion"));
    await page.getByLabel("Adresse e-mail").fill("agent@sene.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await page.getByRole("link", { name: "Pointage" }).click();
    await h1(page).filter({ hasText: "Pointage" }).waitFor();
    await checkA11y(page);

    await page.getByLabel("Service").selectOption({ label: "RESTAURATION SCOLAIRE" });
    await page.getByLabel("Jour", { exact: true }).fill("2027-01-11");
    await page.getByRole("button", { name: "Afficher" }).click();
    await page.getByRole("heading", { name: /RESTAURATION SCOLAIRE – lundi 11 janvier 2027/ }).waitFor();
    expect(await textOf(page.locator("main"))).toContain("Aucun enfant n'est attendu ce jour-là.");

    await addUnbooked(page, "paul", "Paul TEST");
    await addUnbooked(page, "emma", "Emma-Rose TEST");
    await checkA11y(page);

    const emma = page.getByRole("group", { name: "Pointage de Emma-Rose TEST" });
    // A mark is saved in place, without leaving the page: a flag set on the window survives.
    await page.evaluate(() => Object.assign(window, { stayed: true }));
    await emma.getByLabel("Absent excusé").check();
    await page
      .getByRole("status")
      .filter({ hasText: "Pointage de Emma-Rose TEST enregistré : Absent excusé." })
      .waitFor();
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await checkA11y(page);
    await page.reload();
    expect(await emma.getByLabel("Absent excusé").isChecked()).toBe(true);
    await page.getByRole("button", { name: "Enregistrer le pointage" }).click();
    await page.getByRole("status").filter({ hasText: "Le pointage a été enregistré." }).waitFor();
    const stats = await textOf(page.locator(".stats"));
    expect(stats).toMatch(/2\s*attendus/);
    expect(stats).toMatch(/1\s*présent/);
    expect(stats).toMatch(/1\s*absent/);
    expect(await emma.getByLabel("Absent excusé").isChecked()).toBe(true);
    await checkA11y(page);

    const href = await page
      .getByRole("link", { name: "Télécharger la liste du jour (CSV)" })
      .getAttribute("href");
    // Node does not resolve *.localhost: the page itself fetches the file, with its own cookies.
    const res = await page.evaluate(async (url) => {
      const r = await fetch(url);
      const bytes = new Uint8Array(await r.arrayBuffer());
      return {
        status: r.status,
        type: r.headers.get("content-type"),
        disposition: r.headers.get("content-disposition"),
        bom: [...bytes.slice(0, 3)],
        text: new TextDecoder().decode(bytes.slice(3)),
      };
    }, href as string);
    expect(res.status).toBe(200);
    expect(res.type).toBe("text/csv; charset=utf-8");
    expect(res.disposition).toBe('attachment; filename="pointage-restauration-2027-01-11.csv"');
    expect(res.bom).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.text.startsWith("Nom;Prénom;Classe;")).toBe(true);
    expect(res.text).toContain("TEST;Paul;;;;Non;Présent");
    expect(res.text).toContain("TEST;Emma-Rose;;;;Non;Absent excusé");
    expect(res.text).toContain("Total des repas;1");
    expectNoPageErrors(staff);
  });

  it("an admin opens the offer, a service's rules and a period", { timeout: 60_000 }, async () => {
    const admin = await e2e.newPage();
    const { page } = admin;
    await page.goto(e2e.url("sene", "/agents/connexion"));
    await page.getByLabel("Adresse e-mail").fill("admin@sene.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await page.getByRole("link", { name: "Offre d'accueil" }).click();
    await h1(page).filter({ hasText: "Offre d'accueil" }).waitFor();
    await checkA11y(page);
    await page.getByRole("link", { name: "Modifier les règles de RESTAURATION SCOLAIRE" }).click();
    await h1(page).filter({ hasText: "Règles du service RESTAURATION SCOLAIRE" }).waitFor();
    await page.getByLabel("Heure limite de réservation").fill("25:00");
    await page.getByRole("button", { name: "Enregistrer les règles" }).click();
    await page.locator("#f-cutoff-error").filter({ hasText: "heure HH:MM attendue" }).waitFor();
    await checkA11y(page);
    await page.goto(e2e.url("sene", "/agents/planning/offre"));
    await page.getByRole("link", { name: "RESTAURATION SCOLAIRE 2026-2027" }).click();
    await h1(page).filter({ hasText: "Période RESTAURATION SCOLAIRE 2026-2027" }).waitFor();
    await checkA11y(page);
    expectNoPageErrors(admin);
  });
});
