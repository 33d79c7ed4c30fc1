import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateTOTP } from "@oslojs/otp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, type E2EPage, expectNoPageErrors, startE2E } from "../helpers/browser.ts";
import { giveSecondFactor } from "../helpers/second-factor-browser.ts";

// Issue 16, item 16: the legal pages, reached from the footer, pass axe and fit 375 px.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

describe("legal pages in a browser", () => {
  it("are reached from the footer, pass axe and never scroll sideways at 375 px", {
    timeout: 90_000,
  }, async () => {
    const p = await e2e.newPage({ width: 375, height: 800 });
    const page = p.page;
    for (const [link, title] of [
      ["Mentions légales", "Mentions légales"],
      ["Données personnelles", "Données personnelles"],
      [/Accessibilité/, "Déclaration d'accessibilité"],
    ] as const) {
      await page.goto(e2e.url("sene", "/"));
      await page.locator("footer").getByRole("link", { name: link }).click();
      await page.locator("main h1").filter({ hasText: title }).waitFor();
      await checkA11y(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      expect(overflow, title).toBe(false);
    }
    expectNoPageErrors(p);
  });

  it("« Mes connexions », « Mes données » (and its closing request) and the health log pass axe at 375 px", {
    timeout: 90_000,
  }, async () => {
    const p = await e2e.newPage({ width: 375, height: 800 });
    const page = p.page;
    await page.goto(e2e.url("sene", "/connexion"));
    await page.getByLabel("Adresse e-mail").fill("lola.test@sene.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.locator("main form").getByRole("button", { name: "Connexion" }).click();
    await page.waitForURL(e2e.url("sene", "/"));
    for (const [link, title] of [
      ["Mes connexions", "Mes connexions"],
      ["Mes données", "Mes données"],
    ] as const) {
      await page.goto(e2e.url("sene", "/profil"));
      await page.locator("main").getByRole("link", { name: link, exact: true }).click();
      await page.locator("main h1").filter({ hasText: title }).waitFor();
      await checkA11y(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), title).toBe(
        false,
      );
    }
    await page.goto(e2e.url("sene", "/enfants"));
    await page
      .locator("main a[href^='/enfants/']")
      .filter({ hasNotText: /ajouter/i })
      .first()
      .click();
    await page.locator("main").getByRole("link", { name: "Consultations de la fiche sanitaire" }).click();
    await page.locator("main h1").filter({ hasText: "Consultations de la fiche sanitaire" }).waitFor();
    await checkA11y(page);
    await page.goto(e2e.url("sene", "/mes-donnees"));
    await page.getByLabel("Motif (facultatif)").fill("Nous quittons la commune.");
    await page.getByRole("button", { name: "Demander la fermeture de mon compte" }).click();
    await page.getByText("Votre demande de fermeture du compte a été envoyée").waitFor();
    await checkA11y(page);
    expectNoPageErrors(p);
  });

  it("the staff's closing requests and second-factor pages pass axe at 375 px", {
    timeout: 90_000,
  }, async () => {
    const p = await e2e.newPage({ width: 375, height: 800 });
    const page = p.page;
    await page.goto(e2e.url("sene", "/agents/connexion"));
    await page.getByLabel("Adresse e-mail").fill("admin@sene.test");
    await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await page.locator("main form").getByRole("button", { name: "Connexion" }).click();
    await page.waitForURL(e2e.url("sene", "/agents"));
    await page.locator("main").getByRole("link", { name: "Demandes de fermeture de compte" }).click();
    await page.locator("main h1").filter({ hasText: "Demandes de fermeture de compte" }).waitFor();
    await checkA11y(page);
    await page.goto(e2e.url("sene", "/agents/compte/connexions"));
    await page.locator("main").getByRole("link", { name: "Double authentification" }).click();
    await page.locator("main h1").filter({ hasText: "Double authentification" }).waitFor();
    await page.getByLabel("Code affiché par l'application").fill("000");
    await page.getByRole("button", { name: "Activer la double authentification" }).click();
    await page.locator("#f-code-error").waitFor();
    await checkA11y(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    expectNoPageErrors(p);
  });

  it("a parent adds a passkey, then logs in with it after the password (virtual authenticator)", {
    timeout: 90_000,
  }, async () => {
    const p = await withAuthenticator(await e2e.newPage());
    const page = p.page;
    const logIn = async () => {
      await page.goto(e2e.url("sene", "/connexion"));
      await page.getByLabel("Adresse e-mail").fill("lola.test@sene.test");
      await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
      await page.locator("main form").getByRole("button", { name: "Connexion" }).click();
    };
    await logIn();
    await page.waitForURL(e2e.url("sene", "/"));
    await page.goto(e2e.url("sene", "/compte/double-authentification"));
    const secret = await page.locator("main li code").first().innerText();
    const key = decodeBase32IgnorePadding(secret.replace(/ /g, ""));
    await page.getByLabel("Code affiché par l'application").fill(generateTOTP(key, 30, 6));
    await page.getByRole("button", { name: "Activer la double authentification" }).click();
    await page.getByRole("heading", { name: "Vos codes de secours" }).waitFor();

    await page.goto(e2e.url("sene", "/compte/double-authentification"));
    await page.getByLabel("Nom de la clé d'accès").fill("Ordinateur");
    await page.getByRole("button", { name: "Ajouter une clé d'accès" }).click();
    await page.getByRole("status").filter({ hasText: "La clé d'accès est ajoutée." }).waitFor();
    await page.locator("main li").filter({ hasText: "Ordinateur" }).waitFor();
    await checkA11y(page);

    await p.context.clearCookies();
    await logIn();
    await page.waitForURL((u) => u.pathname === "/connexion/code");
    await checkA11y(page);
    await page.getByRole("button", { name: "Se connecter avec une clé d'accès" }).click();
    await page.waitForURL(e2e.url("sene", "/"));
    await page.goto(e2e.url("sene", "/compte/double-authentification"));
    await page.locator("main li").filter({ hasText: "dernière utilisation le" }).waitFor();
    expectNoPageErrors(p);
  });

  it("an operator adds a passkey on the console, then logs in with it (virtual authenticator, 375 px)", {
    timeout: 90_000,
  }, async () => {
    const p = await withAuthenticator(await e2e.newPage({ width: 375, height: 800 }));
    const page = p.page;
    const logIn = async () => {
      await page.goto(e2e.url("admin", "/connexion"));
      await page.getByLabel("Adresse e-mail").fill(DEMO_OPERATOR.email);
      await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "Connexion" }).click();
    };
    await logIn();
    await giveSecondFactor(page, DEMO_OPERATOR.email);
    await page.locator("main h1").filter({ hasText: "Communes" }).waitFor();
    await page
      .getByRole("navigation", { name: "Mon compte" })
      .getByRole("link", { name: "Double authentification" })
      .click();
    await page.locator("main h1").filter({ hasText: "Double authentification" }).waitFor();
    await page.getByLabel("Nom de la clé d'accès").fill("Clé du bureau");
    await page.getByRole("button", { name: "Ajouter une clé d'accès" }).click();
    await page.getByRole("status").filter({ hasText: "La clé d'accès est ajoutée." }).waitFor();
    await page.locator("main li").filter({ hasText: "Clé du bureau" }).waitFor();
    await checkA11y(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);

    await p.context.clearCookies();
    await logIn();
    await page.waitForURL((u) => u.pathname === "/connexion/code");
    await page.getByRole("button", { name: "Se connecter avec une clé d'accès" }).click();
    await page.locator("main h1").filter({ hasText: "Communes" }).waitFor();
    expectNoPageErrors(p);
  });
});

/** The page's browser gets a platform authenticator (a phone's fingerprint), through CDP. */
async function withAuthenticator(p: E2EPage) {
  const cdp = await p.context.newCDPSession(p.page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return p;
}
