import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEMO_OPERATOR, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { tenantConfigSchema } from "../../src/tenancy/config-schema.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";
import { DEMO_LOGO } from "../helpers/operator.ts";
import { giveSecondFactor } from "../helpers/second-factor-browser.ts";

// Issue 13's journey: an operator creates « Ville de Démo » from the console, uploads its logo,
// invites its admin; the admin activates through the dev mailbox, invites an agent, sets the
// mandatory documents; the agent opens a family account, and the parent sees the new town's
// branding on demo.localhost. axe-core runs on every page.

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const PASSWORD = "Demo-Commune-2026";

/** The first link to demo.localhost of the newest e-mail to `to` whose subject matches. */
async function mailLink(page: Page, to: string, subject: RegExp): Promise<string> {
  await page.goto(e2e.url("mail"));
  const row = page.getByRole("row").filter({ hasText: to });
  const deadline = Date.now() + 15_000;
  while (!(await row.getByRole("link", { name: subject }).count())) {
    if (Date.now() > deadline) throw new Error(`no e-mail to ${to}`);
    await page.waitForTimeout(200);
    await page.reload();
  }
  await row.getByRole("link", { name: subject }).first().click();
  await h1(page).filter({ hasText: subject }).waitFor();
  return (
    (await page
      .locator(".mail-body a")
      .filter({ hasText: e2e.url("demo", "/activation/") })
      .getAttribute("href")) ?? ""
  );
}

/** Follows an activation link and chooses the password. */
async function activate(page: Page, link: string) {
  await page.goto(link);
  await h1(page).filter({ hasText: "Création de votre mot de passe" }).waitFor();
  await checkA11y(page);
  await page.getByLabel(/^Mot de passe/).fill(PASSWORD);
  await page.getByLabel("Confirmation du mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Valider" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/activation/"));
  // A new town requires the second factor of its staff (the default): they enrol it first.
  if (new URL(page.url()).pathname === "/agents/connexion/code") await giveSecondFactor(page, link);
}

async function invite(page: Page, first: string, last: string, email: string, role: string) {
  await page.getByLabel("Prénom").fill(first);
  await page.locator("#f-last_name").fill(last);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.locator("#f-role").selectOption(role);
  await page.getByRole("button", { name: "Envoyer l'invitation" }).click();
  await page.getByRole("status").filter({ hasText: "L'invitation est envoyée." }).waitFor();
}

describe("onboarding a town from the console", () => {
  it("operator, admin, agent and parent bring « Ville de Démo » to life", { timeout: 180_000 }, async () => {
    const operator = await e2e.newPage();
    const op = operator.page;
    await op.goto(e2e.url("admin", "/connexion"));
    await op.getByLabel("Adresse e-mail").fill(DEMO_OPERATOR.email);
    await op.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await op.getByRole("button", { name: "Connexion" }).click();
    await giveSecondFactor(op, DEMO_OPERATOR.email);
    await h1(op).filter({ hasText: "Communes" }).waitFor();
    await checkA11y(op);
    await op.getByRole("link", { name: "Créer une commune" }).click();
    await h1(op).filter({ hasText: "Nouvelle commune" }).waitFor();
    await checkA11y(op);
    await op.getByLabel("Identifiant de la commune").fill("demo");
    await op.locator("#f-name").fill("Ville de Démo");
    await op.getByLabel("Nom court").fill("Démo");
    await op.getByLabel("Zone de vacances scolaires").selectOption("C");
    await op
      .locator("#f-logo")
      .setInputFiles({ name: "demo.svg", mimeType: "image/svg+xml", buffer: Buffer.from(DEMO_LOGO) });
    // A colour too light is refused, with the contrast shown live.
    await op.locator("#f-primary").fill("#ffcc00");
    await op.locator("#contrast").filter({ hasText: "Contraste insuffisant" }).waitFor();
    await op.locator("#f-primary").fill("#6b2d5c");
    await op.locator("#contrast").filter({ hasText: "Contraste suffisant" }).waitFor();
    await op.getByLabel("Service à contacter").fill("Service Enfance");
    await op.locator("#f-contact_phone").fill("01 23 45 67 89");
    await op.locator("#f-contact_email").fill("enfance@demo.test");
    await op.getByLabel("Adresse postale").fill("1 place de la Mairie, 75000 Démo");
    await op.getByLabel("Site de la commune").fill("https://www.demo.test");
    await op.getByRole("button", { name: "Créer la commune" }).click();
    await op.getByRole("status").filter({ hasText: "La commune est créée" }).waitFor();
    await checkA11y(op);
    await op.getByRole("link", { name: "Équipe de la commune" }).click();
    await h1(op).filter({ hasText: "Équipe de Ville de Démo" }).waitFor();
    await checkA11y(op);
    await invite(op, "Alice", "Maire", "alice@demo.test", "admin");
    expectNoPageErrors(operator);

    const adminTab = await e2e.newPage();
    const admin = adminTab.page;
    await activate(admin, await mailLink(admin, "alice@demo.test", /Votre accès à l'espace agents/));
    await admin.getByRole("status").filter({ hasText: "Votre compte est activé. Bienvenue !" }).waitFor();
    await admin.goto(e2e.url("demo", "/agents/equipe"));
    await h1(admin).filter({ hasText: "Équipe" }).waitFor();
    await checkA11y(admin);
    await invite(admin, "Bruno", "Agent", "bruno@demo.test", "agent");
    await checkA11y(admin);
    await admin.goto(e2e.url("demo", "/agents/parametres"));
    await h1(admin).filter({ hasText: "Paramètres de la commune" }).waitFor();
    await checkA11y(admin);
    await admin
      .getByLabel("Types de documents")
      .fill("Attestation d'assurance | foyer | 12\nCarnet de vaccination | enfant");
    await admin.getByRole("button", { name: "Enregistrer les documents" }).click();
    await admin.getByRole("status").filter({ hasText: "Les documents sont enregistrés." }).waitFor();
    await admin.getByLabel("Attestation d'assurance").check();
    await admin.getByRole("button", { name: "Enregistrer le dossier famille" }).click();
    await admin
      .getByRole("status")
      .filter({ hasText: "Les règles du dossier famille sont enregistrées." })
      .waitFor();
    expect(await admin.getByLabel("Attestation d'assurance").isChecked()).toBe(true);
    // A colour too light is shown live, refused at the field, and the rest is kept as typed.
    await admin.locator("#f-primary").fill("#99bbff");
    await admin.locator("#contrast").filter({ hasText: "Contraste insuffisant" }).waitFor();
    await admin.locator("#f-contact_phone").fill("01 98 76 54 32");
    await admin.getByRole("button", { name: "Enregistrer l'identité et le contact" }).click();
    await admin
      .locator("#f-primary-error")
      .filter({ hasText: "Contraste sur fond blanc insuffisant" })
      .waitFor();
    expect(await admin.locator("#f-contact_phone").inputValue()).toBe("01 98 76 54 32");
    await checkA11y(admin);
    await admin.locator("#f-primary").fill("#6b2d5c");
    // « Aperçu »: the public page with what is typed, in a new tab, before saving.
    await admin.locator("#f-tagline").fill("Ville de Démo, au cœur du bocage");
    const [preview] = await Promise.all([
      admin.context().waitForEvent("page"),
      admin.getByRole("button", { name: "Aperçu de la page publique" }).click(),
    ]);
    await preview
      .getByRole("status")
      .filter({ hasText: "Aperçu : ces réglages ne sont pas encore" })
      .waitFor();
    expect(await preview.locator(".tagline").textContent()).toBe("Ville de Démo, au cœur du bocage");
    expect(await preview.locator(".town-footer").textContent()).toContain("01 98 76 54 32");
    await checkA11y(preview);
    await preview.close();
    await admin.getByRole("button", { name: "Enregistrer l'identité et le contact" }).click();
    await admin
      .getByRole("status")
      .filter({ hasText: "L'identité et le contact sont enregistrés." })
      .waitFor();
    expectNoPageErrors(adminTab);

    const agentTab = await e2e.newPage();
    const agent = agentTab.page;
    await activate(agent, await mailLink(agent, "bruno@demo.test", /Votre accès à l'espace agents/));
    await agent.goto(e2e.url("demo", "/agents/familles/nouvelle"));
    await agent.getByLabel("Nom du foyer").fill("FAMILLE TEST");
    await agent.getByLabel("Madame").check();
    await agent.getByLabel("Prénom").fill("Claire");
    await agent.locator("#f-last_name").fill("Test");
    await agent.getByLabel("Adresse e-mail").fill("claire@demo.test");
    await agent.getByRole("button", { name: "Créer le compte" }).click();
    await agent.locator("main").filter({ hasText: "claire@demo.test" }).waitFor();
    expectNoPageErrors(agentTab);

    const parentTab = await e2e.newPage({ width: 375, height: 812 });
    const parent = parentTab.page;
    await activate(parent, await mailLink(parent, "claire@demo.test", /Ouverture de votre compte/));
    await h1(parent).filter({ hasText: "Bienvenue" }).waitFor();
    await checkA11y(parent);
    expect(await textOf(parent.locator("footer"))).toContain("01 98 76 54 32");
    const header = await textOf(parent.locator("header"));
    expect(header).toContain("Ville de Démo");
    expect(await parent.locator('header img[src="/logo.svg"]').count()).toBe(1);
    const primary = await parent.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--town-primary").trim(),
    );
    expect(primary).toBe("#6b2d5c");
    expectNoPageErrors(parentTab);

    // The town's file, exported from the console, is a valid tenant file with what was set.
    await op.getByRole("link", { name: "Ville de Démo", exact: true }).click();
    await h1(op).filter({ hasText: "Ville de Démo" }).waitFor();
    await checkA11y(op);
    const exported = await op.evaluate(async () => {
      const link = document.querySelector<HTMLAnchorElement>('a[href$="/export"]');
      return link ? (await fetch(link.href)).text() : "";
    });
    const cfg = tenantConfigSchema.parse(parse(exported));
    expect(cfg.householdFile.mandatory.documents).toEqual(["attestation_d_assurance"]);
    expect(cfg.branding.primary).toBe("#6b2d5c");
  });

  it("fits a phone (375 px) on every console and settings page, axe 0", { timeout: 120_000 }, async () => {
    const operator = await e2e.newPage({ width: 375, height: 812 });
    const op = operator.page;
    await op.goto(e2e.url("admin", "/connexion"));
    await op.getByLabel("Adresse e-mail").fill(DEMO_OPERATOR.email);
    await op.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await op.getByRole("button", { name: "Connexion" }).click();
    await giveSecondFactor(op, DEMO_OPERATOR.email);
    await h1(op).filter({ hasText: "Communes" }).waitFor();
    const townPath = await op.getByRole("link", { name: "Ville de Séné", exact: true }).getAttribute("href");
    const admin = (await e2e.newPage({ width: 375, height: 812 })).page;
    await admin.goto(e2e.url("sene", "/agents/connexion"));
    await admin.getByLabel("Adresse e-mail").fill("admin@sene.test");
    await admin.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await admin.getByRole("button", { name: "Connexion" }).click();
    await h1(admin).first().waitFor();
    const pages: [Page, string][] = [
      ...[
        "/",
        "/communes/nouvelle",
        townPath,
        `${townPath}/equipe`,
        `${townPath}/suspendre`,
        "/tableau-de-bord",
        "/import",
      ].map((path): [Page, string] => [op, e2e.url("admin", path ?? "/")]),
      ...["/agents/equipe", "/agents/parametres", "/agents/acces-support"].map((path): [Page, string] => [
        admin,
        e2e.url("sene", path),
      ]),
    ];
    for (const [page, url] of pages) {
      await page.goto(url);
      await h1(page).first().waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(375);
      await checkA11y(page);
    }
    expectNoPageErrors(operator);
  });
});
