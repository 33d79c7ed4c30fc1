import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// Separated parents, one household (issue 3, item 2): in Sennecey, Parent 1 gives Parent 2 an
// e-mail address and invites them; Parent 2 follows the mail's link, chooses a password and sees
// the same household with themselves as « Moi ». axe-core runs on every page visited.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const PARTNER = "parent2.mairie@senneceylesdijon.test";

/** The activation link of the newest account-opening message to `to`, from the dev mailbox. */
async function activationLink(page: Page, to: string): Promise<string> {
  await page.goto(e2e.url("mail"));
  const row = page.getByRole("row").filter({ hasText: to });
  const deadline = Date.now() + 15_000;
  while (!(await row.getByRole("link", { name: /Ouverture de votre compte/ }).count())) {
    if (Date.now() > deadline) throw new Error(`no activation e-mail to ${to}`);
    await page.waitForTimeout(200);
    await page.reload();
  }
  await row
    .getByRole("link", { name: /Ouverture de votre compte/ })
    .first()
    .click();
  await h1(page)
    .filter({ hasText: /Ouverture de votre compte/ })
    .waitFor();
  const link = page.locator(".mail-body a").filter({ hasText: e2e.url("senneceylesdijon", "/activation/") });
  return (await link.getAttribute("href")) ?? "";
}

describe("inviting the other guardian in a browser", () => {
  it("Parent 1 invites Parent 2, who activates their own login on the same household", {
    timeout: 90_000,
  }, async () => {
    const holder = await e2e.newPage();
    const p1 = holder.page;
    await p1.goto(e2e.url("senneceylesdijon", "/connexion"));
    await p1.getByLabel("Adresse e-mail").fill("parent1.mairie@senneceylesdijon.test");
    await p1.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await p1.getByRole("button", { name: "Connexion" }).click();
    await h1(p1).filter({ hasText: "Bienvenue" }).waitFor();

    // The other guardian needs an e-mail address before the invitation is offered.
    await p1.goto(e2e.url("senneceylesdijon", "/foyer/autre-responsable"));
    await h1(p1).filter({ hasText: "Autre responsable" }).waitFor();
    await p1.getByLabel("Adresse e-mail").fill(PARTNER);
    await p1.getByRole("button", { name: "Enregistrer" }).click();
    await h1(p1).filter({ hasText: "Mon foyer" }).waitFor();
    await checkA11y(p1);
    await p1.getByRole("button", { name: "Inviter à créer son propre accès" }).click();
    await p1.getByRole("status").filter({ hasText: "a reçu un e-mail" }).waitFor();
    expect(await textOf(p1.locator("main"))).toContain("Accès personnel : invitation envoyée");
    await checkA11y(p1);
    expectNoPageErrors(holder);

    // Parent 2, on their own device.
    const partner = await e2e.newPage();
    const p2 = partner.page;
    await p2.goto(await activationLink(p2, PARTNER));
    await h1(p2).filter({ hasText: "Création de votre mot de passe" }).waitFor();
    await checkA11y(p2);
    await p2.getByLabel(/^Mot de passe/).fill("Parent-Deux-2026");
    await p2.getByLabel("Confirmation du mot de passe").fill("Parent-Deux-2026");
    await p2.locator("main form button[type=submit]").click();
    await h1(p2).filter({ hasText: "Bienvenue Parent 2 MAIRIE" }).waitFor();
    await p2.goto(e2e.url("senneceylesdijon", "/foyer"));
    await h1(p2).filter({ hasText: "Mon foyer" }).waitFor();
    const main = await textOf(p2.locator("main"));
    expect(main).toContain("N° Famille : 1001");
    expect(main).toMatch(/Moi\s+Mme Parent 2 MAIRIE/);
    expect(main).toMatch(/Autre responsable\s+M. Parent 1 MAIRIE\s+Accès personnel : actif/);
    await checkA11y(p2);
    await p2.getByRole("link", { name: "Voir et modifier mon profil" }).click();
    await h1(p2).filter({ hasText: "Mon profil" }).waitFor();
    expect(await textOf(p2.locator("main"))).toContain(PARTNER);
    await checkA11y(p2);
    expectNoPageErrors(partner);
  });
});
