import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import {
  checkA11y,
  type E2E,
  type E2EPage,
  expectNoPageErrors,
  focused,
  markDocument,
  startE2E,
  swappedInPlace,
  textOf,
} from "../helpers/browser.ts";

// The flows that go through an e-mail, followed as a person would: the staff form or the
// « Mot de passe oublié ? » form, the dev mailbox at http://mail.localhost:<port>/, the link
// in the message, the password form. axe-core runs on every page visited.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");

/**
 * Opens the dev mailbox and the newest message to `to` whose subject matches, waiting for the
 * job worker to deliver it; returns the link the message carries to `origin`.
 */
async function openMail(page: Page, to: string, subject: RegExp, origin: string): Promise<string> {
  await page.goto(e2e.url("mail"));
  const row = page.getByRole("row").filter({ hasText: to });
  const deadline = Date.now() + 15_000;
  while (!(await row.getByRole("link", { name: subject }).count())) {
    if (Date.now() > deadline) throw new Error(`no e-mail « ${subject} » to ${to} in the mailbox`);
    await page.waitForTimeout(200);
    await page.reload();
  }
  expect(await textOf(h1(page))).toBe("E-mails envoyés par la plateforme");
  await checkA11y(page);
  await row.getByRole("link", { name: subject }).first().click();
  await h1(page).filter({ hasText: subject }).waitFor();
  expect(await textOf(page.locator(".facts"))).toContain(to);
  await checkA11y(page);
  // Every e-mail ends with the portal's address; the link to follow is the other one.
  const link = page.locator(".mail-body a").filter({ hasText: origin }).filter({ hasNotText: /\/$/ });
  expect(await link.count()).toBe(1);
  return (await link.getAttribute("href")) ?? "";
}

/** Types a password twice and submits the « choose a password » form. */
async function choosePassword(page: Page, password: string) {
  await page.getByLabel(/^Mot de passe/).fill(password);
  await page.getByLabel("Confirmation du mot de passe").fill(password);
  await page.locator("main form button[type=submit]").click();
}

async function login(p: E2EPage, town: string, email: string, password: string) {
  await p.page.goto(e2e.url(town, "/connexion"));
  await p.page.getByLabel("Adresse e-mail").fill(email);
  await p.page.getByLabel("Mot de passe").fill(password);
  await p.page.getByRole("button", { name: "Connexion" }).click();
}

describe("account opening by e-mail (Séné)", () => {
  it("staff create the account, the parent follows the mail's link, chooses a password and is in", {
    timeout: 90_000,
  }, async () => {
    const email = "camille.durand@example.test";

    // The town's agent, at the back office.
    const staff = await e2e.newPage();
    const s = staff.page;
    await s.goto(e2e.url("sene", "/agents/connexion"));
    await h1(s).filter({ hasText: "Espace agents – connexion" }).waitFor();
    await checkA11y(s);
    await s.getByLabel("Adresse e-mail").fill("admin@sene.test");
    await s.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await s.getByRole("button", { name: "Connexion" }).click();
    await h1(s).filter({ hasText: "Espace agents – Séné" }).waitFor();
    await checkA11y(s);

    await s.getByRole("button", { name: "Créer un compte famille" }).click();
    await h1(s).filter({ hasText: "Créer un compte famille" }).waitFor();
    await checkA11y(s);
    // Sent empty first: every missing field is named next to it.
    await s.getByRole("button", { name: "Créer le compte" }).click();
    await s.getByRole("alert").waitFor();
    expect(await s.locator(".field-error").count()).toBeGreaterThanOrEqual(4);
    await checkA11y(s);
    await s.getByLabel("Nom du foyer").fill("Famille DURAND");
    await s.getByLabel("Madame").check();
    await s.getByLabel("Prénom").fill("Camille");
    await s.getByRole("textbox", { name: "Nom", exact: true }).fill("DURAND");
    await s.getByLabel("Adresse e-mail").fill(email);
    await s.getByRole("button", { name: "Créer le compte" }).click();
    await h1(s).filter({ hasText: "Compte famille créé" }).waitFor();
    expect(await textOf(s.locator("main"))).toContain(`envoyé à ${email}`);
    await checkA11y(s);
    expectNoPageErrors(staff);

    // The parent, on her own device: the mailbox, the message, its link.
    const parent = await e2e.newPage();
    const p = parent.page;
    const link = await openMail(
      p,
      email,
      /Ouverture de votre compte famille/,
      e2e.url("sene", "/activation/"),
    );
    await p.goto(link);
    await h1(p).filter({ hasText: "Création de votre mot de passe" }).waitFor();
    const rules = await textOf(p.locator("#password-rules"));
    expect(rules).toContain("12 caractères minimum");
    expect(rules).toContain("Au moins 1 majuscule");
    expect(rules).toContain("Au moins 1 caractère numérique");
    await checkA11y(p);

    // Too weak: what is missing is said next to the field, and tied to it.
    await markDocument(p);
    await choosePassword(p, "tropcourt");
    const error = p.locator("#f-new_password-error");
    await error.waitFor();
    const missing = await textOf(error);
    expect(missing).toContain("Il manque");
    expect(missing).toContain("12 caractères minimum");
    expect(missing).toContain("Au moins 1 majuscule");
    const input = p.locator("#f-new_password");
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect(await input.getAttribute("aria-describedby")).toContain("f-new_password-error");
    expect(await swappedInPlace(p)).toBe(true);
    expect(await focused(p)).toContain("[role=alert]");
    await checkA11y(p);

    // A good one: signed in, on the home page.
    await choosePassword(p, "Camille-Durand-2026");
    await h1(p).filter({ hasText: "Bienvenue Camille DURAND" }).waitFor();
    expect(new URL(p.url()).pathname).toBe("/");
    await p.getByRole("status").filter({ hasText: "Votre compte est activé" }).waitFor();
    expect(await textOf(p.locator(".household-line"))).toContain("Famille DURAND");
    await checkA11y(p);

    // The link served once: opened again, it leads nowhere.
    await p.goto(link);
    expect(await textOf(h1(p))).not.toContain("mot de passe");
    await checkA11y(p);
    expectNoPageErrors(parent);
  });
});

describe("forgotten password (Sennecey-lès-Dijon)", () => {
  it("« Mot de passe oublié ? » → mailbox → link → new password → logs in with it", {
    timeout: 90_000,
  }, async () => {
    const email = "parent1.mairie@senneceylesdijon.test";
    const fresh = "Nouveau-Secret-2026";
    const pp = await e2e.newPage();
    const { page } = pp;

    await page.goto(e2e.url("senneceylesdijon"));
    await page.getByRole("link", { name: "Mot de passe oublié ?" }).click();
    await h1(page).filter({ hasText: "Mot de passe oublié ?" }).waitFor();
    await checkA11y(page);
    await page.getByLabel("Adresse e-mail").fill(email);
    await page.getByRole("button", { name: "Recevoir le lien" }).click();
    await h1(page).filter({ hasText: "Vérifiez votre messagerie" }).waitFor();
    await checkA11y(page);

    const link = await openMail(
      page,
      email,
      /Réinitialisation de votre mot de passe/,
      e2e.url("senneceylesdijon", "/reinitialisation/"),
    );
    await page.goto(link);
    await h1(page).filter({ hasText: "Choisissez un nouveau mot de passe" }).waitFor();
    await checkA11y(page);
    await choosePassword(page, fresh);
    await page.getByRole("status").filter({ hasText: "Vous pouvez vous connecter" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/connexion");
    await checkA11y(page);

    // The old password no longer opens the account; the new one does.
    await login(pp, "senneceylesdijon", email, DEMO_PASSWORD);
    await page.getByRole("alert").filter({ hasText: "mot de passe incorrect" }).waitFor();
    await login(pp, "senneceylesdijon", email, fresh);
    await h1(page).filter({ hasText: "Bienvenue Parent 1 MAIRIE" }).waitFor();
    expect(await textOf(page.locator(".household-line"))).toContain("M. et Mme MAIRIE");
    await checkA11y(page);
    expectNoPageErrors(pp);
  });
});
