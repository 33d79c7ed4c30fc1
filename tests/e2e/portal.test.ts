import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import {
  checkA11y,
  type E2E,
  expectNoPageErrors,
  focused,
  markDocument,
  startE2E,
  swappedInPlace,
  textOf,
} from "../helpers/browser.ts";

// Each town, as a parent sees it in Chromium: front page, login, « Bienvenue », profile, logout.
// axe-core runs on every page visited and must find nothing (WCAG 2.1 AA).

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

interface Town {
  slug: string;
  name: string;
  links: string[];
  field: "Adresse e-mail" | "Identifiant";
  loginTitle: string;
  identifier: string;
  fullName: string;
  household: string;
  number: string;
  logout: { external: string } | { loginPage: true };
}

const TOWNS: Town[] = [
  {
    slug: "sene",
    name: "Ville de Séné",
    links: ["Le guide utilisateur", "La restauration scolaire (menu de la cantine)", "Infos ALSH"],
    field: "Adresse e-mail",
    loginTitle: "Connexion à votre compte",
    identifier: "lola.test@sene.test",
    fullName: "Lola TEST",
    household: "Famille TEST",
    number: "1001",
    logout: { loginPage: true },
  },
  {
    slug: "senneceylesdijon",
    name: "Ville de Sennecey-lès-Dijon",
    links: ["Menu du restaurant scolaire", "Guide de l'utilisateur"],
    field: "Adresse e-mail",
    loginTitle: "Connexion à votre compte",
    identifier: "parent1.mairie@senneceylesdijon.test",
    fullName: "Parent 1 MAIRIE",
    household: "M. et Mme MAIRIE",
    number: "1001",
    logout: { loginPage: true },
  },
  {
    slug: "plombieres",
    name: "Plombières-lès-Dijon – Espace Germaine Tillion",
    links: ["Menu de la cantine", "Guide du portail famille"],
    field: "Identifiant",
    loginTitle: "Compte famille",
    identifier: "jdupont",
    fullName: "Jean DUPONT",
    household: "M. et Mme DUPONT",
    number: "1001001818331",
    logout: { external: "https://www.plombieres-les-dijon.fr/" },
  },
];

const h1 = (page: Page) => page.locator("main h1");
const account = (page: Page) => page.getByRole("navigation", { name: "Mon compte" });

/** Leaves the viewport as it was; fails when the page is wider than the screen. */
async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `page ${page.url()} scrolls sideways at ${clientWidth}px`).toBeLessThanOrEqual(
    clientWidth,
  );
}

describe.each(TOWNS)("the portal of $slug in a browser", (town) => {
  it("shows the town, logs a parent in and out, with 0 axe violations", { timeout: 60_000 }, async () => {
    const p = await e2e.newPage();
    const { page } = p;

    // Front page, signed out: the town's name, its useful links and the login form.
    await page.goto(e2e.url(town.slug));
    expect(await textOf(page.locator("header").first())).toContain(town.name);
    expect(await textOf(h1(page))).toBe("Bienvenue sur votre Portail Famille");
    for (const label of town.links)
      await page.getByRole("link", { name: label, exact: true }).first().waitFor();
    await page.getByRole("link", { name: "Site de la commune" }).waitFor();
    await page.getByRole("region", { name: town.loginTitle }).getByLabel(town.field).waitFor();
    await page.getByRole("link", { name: "Mot de passe oublié ?" }).waitFor();
    await checkA11y(page);

    // A wrong password: the form says so, in place (htmx swaps the 401 page), focus on the error.
    await markDocument(page);
    await page.getByLabel(town.field).fill(town.identifier);
    await page.getByLabel("Mot de passe").fill("pas-le-bon-mot-de-passe");
    await page.getByRole("button", { name: "Connexion" }).click();
    await page.getByRole("alert").filter({ hasText: "ou mot de passe incorrect" }).waitFor();
    expect(await swappedInPlace(page)).toBe(true);
    expect(await focused(page)).toContain("[role=alert]: ");
    expect(await page.getByLabel(town.field).inputValue()).toBe(town.identifier);
    await checkA11y(page);

    // Log in through the form.
    await page.getByLabel(town.field).fill(town.identifier);
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await h1(page)
      .filter({ hasText: `Bienvenue ${town.fullName}` })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    // hx-boost followed the 303 and swapped the page in place; focus went to the new heading.
    expect(await swappedInPlace(page)).toBe(true);
    expect(await focused(page)).toBe(`h1: Bienvenue ${town.fullName}`);
    await page.waitForFunction(() => document.title.startsWith("Accueil – "));
    const line = await textOf(page.locator(".household-line"));
    expect(line).toContain(town.household);
    expect(line).toContain(`N° Famille : ${town.number}`);
    expect(await textOf(account(page))).toContain(town.fullName);
    await checkA11y(page);

    // « Mon profil », and back to the home page.
    await account(page).getByRole("link", { name: "Mon profil" }).click();
    await h1(page).filter({ hasText: "Mon profil" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/profil");
    expect(await textOf(page.locator("main"))).toContain(`N° Famille : ${town.number}`);
    if (town.field === "Identifiant")
      expect(await textOf(page.locator(".facts").first())).toContain(town.identifier);
    await checkA11y(page);
    await page.getByRole("link", { name: "← Accueil" }).click();
    await h1(page).filter({ hasText: "Bienvenue" }).waitFor();

    // Log out.
    await account(page).getByRole("button", { name: "Déconnexion" }).click();
    if ("external" in town.logout) {
      await page.waitForURL(town.logout.external);
      expect(p.outside).toContain(town.logout.external);
    } else {
      await page.getByRole("status").filter({ hasText: "Vous êtes déconnecté" }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/connexion");
      expect(await account(page).count()).toBe(0);
      await checkA11y(page);
    }
    // Signed out for real: the home page is the public one again.
    await page.goto(e2e.url(town.slug));
    expect(await textOf(h1(page))).toBe("Bienvenue sur votre Portail Famille");
    expectNoPageErrors(p);
  });
});

describe("on a phone (375 × 740)", () => {
  it("the parent home page fits the screen, without sideways scrolling", { timeout: 60_000 }, async () => {
    const p = await e2e.newPage({ width: 375, height: 740 });
    const { page } = p;
    await page.goto(e2e.url("plombieres"));
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    await page.getByLabel("Identifiant").fill("jdupont");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Connexion" }).click();
    await h1(page).filter({ hasText: "Bienvenue Jean DUPONT" }).waitFor();
    await expectNoHorizontalScroll(page);
    await checkA11y(page);
    expectNoPageErrors(p);
  });
});
