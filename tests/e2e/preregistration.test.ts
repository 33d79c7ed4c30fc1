import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// A new family pre-registers on Sennecey's public form, an agent accepts it, and the
// activation e-mail lets the parent in to find the child. axe-core runs on every page.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const TOWN = "senneceylesdijon";

/** The link of the newest message to `to` whose subject matches, from the dev mailbox. */
async function mailLink(page: Page, to: string, subject: RegExp): Promise<string> {
  await page.goto(e2e.url("mail"));
  const row = page.getByRole("row").filter({ hasText: to });
  const deadline = Date.now() + 15_000;
  while (!(await row.getByRole("link", { name: subject }).count())) {
    if (Date.now() > deadline) throw new Error(`no e-mail « ${subject} » to ${to}`);
    await page.waitForTimeout(200);
    await page.reload();
  }
  await row.getByRole("link", { name: subject }).first().click();
  await h1(page).filter({ hasText: subject }).waitFor();
  await checkA11y(page);
  return (
    (await page
      .locator(".mail-body a")
      .filter({ hasText: e2e.url(TOWN, "/activation/") })
      .getAttribute("href")) ?? ""
  );
}

async function fillForm(p: Page, email: string) {
  const fill = (id: string, value: string) => p.locator(`#f-${id}`).fill(value);
  await p.getByLabel("Madame").check();
  await fill("last_name", "Lambert");
  await fill("first_name", "Claire");
  await fill("email", email);
  await fill("phone", "06 21 43 65 87");
  await fill("address_line", "12 rue de la Mairie");
  await fill("postal_code", "21800");
  await fill("city", "Sennecey-lès-Dijon");
  await fill("child1_first_name", "Mila");
  await fill("child1_last_name", "Lambert");
  await fill("child1_birth_date", "2019-03-14");
}

describe("« Préinscription » (Sennecey)", () => {
  it("a new family pre-registers, staff accept, the activation link leads to « Mes enfants »", {
    timeout: 120_000,
  }, async () => {
    const email = "claire.lambert@example.test";
    const family = await e2e.newPage();
    const p = family.page;
    await p.goto(e2e.url(TOWN, "/"));
    await p.getByRole("link", { name: "Nouvelle inscription" }).click();
    await h1(p).filter({ hasText: "Fiche de préinscription" }).waitFor();
    await checkA11y(p);

    // A birth date in the future is refused at its field; what was typed stays.
    await fillForm(p, email);
    await p.locator("#f-child1_birth_date").fill("2099-01-01");
    await p.getByRole("button", { name: "Envoyer ma préinscription" }).click();
    await p.locator("#f-child1_birth_date-error").waitFor();
    expect(await p.locator("#f-last_name").inputValue()).toBe("Lambert");
    await checkA11y(p);
    await p.locator("#f-child1_birth_date").fill("2019-03-14");
    await p.getByRole("button", { name: "Envoyer ma préinscription" }).click();
    await h1(p).filter({ hasText: "Préinscription envoyée" }).waitFor();
    await checkA11y(p);

    // The agent accepts it.
    const staff = await e2e.newPage();
    const s = staff.page;
    await s.goto(e2e.url(TOWN, "/agents/connexion"));
    await s.getByLabel("Adresse e-mail").fill(`agent@${TOWN}.test`);
    await s.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await s.getByRole("button", { name: "Connexion" }).click();
    await h1(s).filter({ hasText: "Espace agents" }).waitFor();
    await s.getByRole("link", { name: "Préinscriptions" }).click();
    await h1(s).filter({ hasText: "Préinscriptions" }).waitFor();
    await checkA11y(s);
    await s.getByRole("link", { name: "Mme Claire LAMBERT" }).click();
    await h1(s).filter({ hasText: "Préinscription de Mme Claire LAMBERT" }).waitFor();
    expect(await textOf(s.locator("main"))).toContain("Mila LAMBERT, né(e) le 14/03/2019");
    await checkA11y(s);
    await s.getByRole("button", { name: "Accepter" }).click();
    await h1(s).filter({ hasText: "Préinscription acceptée" }).waitFor();
    await checkA11y(s);
    expectNoPageErrors(staff);

    // The family: the mail's link, a password, and the child is there.
    const link = await mailLink(p, email, /Ouverture de votre compte famille/);
    await p.goto(link);
    await h1(p).filter({ hasText: "Création de votre mot de passe" }).waitFor();
    await p.getByLabel(/^Mot de passe/).fill("Claire-Lambert-2026");
    await p.getByLabel("Confirmation du mot de passe").fill("Claire-Lambert-2026");
    await p.locator("main form button[type=submit]").click();
    await h1(p).filter({ hasText: "Bienvenue Claire LAMBERT" }).waitFor();
    await checkA11y(p);
    await p.getByRole("link", { name: "Mes enfants" }).first().click();
    await h1(p).filter({ hasText: "Mes enfants" }).waitFor();
    expect(await textOf(p.locator("main"))).toContain("Mila");
    await checkA11y(p);
    expectNoPageErrors(family);
  });
});
