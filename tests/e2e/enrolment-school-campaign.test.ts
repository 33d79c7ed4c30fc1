import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";

// Issue 15: a school enrolment by derogation accepted and its certificate downloaded; a
// campaign opened by staff, completed by one family and reminded to the other; « Mes tarifs ».

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
}, 120_000);
afterAll(async () => {
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");

async function login(page: Page, loginPath: string, label: string, id: string, home: string) {
  await page.goto(e2e.url("plombieres", loginPath));
  await page.getByLabel(label).fill(id);
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Connexion" }).click();
  await page.waitForURL((u) => u.pathname === home);
}

describe("school enrolment and the annual update in a browser (Plombières)", () => {
  it("derogation accepted, certificate downloaded; campaign completed and reminded", {
    timeout: 150_000,
  }, async () => {
    const agent = await e2e.newPage();
    const s = agent.page;
    await login(s, "/agents/connexion", "Adresse e-mail", "admin@plombieres.test", "/agents");
    await s.getByRole("link", { name: "Inscriptions scolaires" }).click();
    await h1(s).filter({ hasText: "Inscriptions scolaires" }).waitFor();
    const csv = path.join(tmpdir(), `carte-${process.pid}.csv`);
    writeFileSync(csv, "rue;école\nRue des Bonbons;École du Centre\nRue de la Gare;École des Tilleuls\n");
    await s.getByLabel("Fichier CSV « rue ; école »").setInputFiles(csv);
    await s.getByRole("button", { name: "Importer la carte scolaire" }).click();
    await s.getByRole("status").filter({ hasText: "La carte scolaire est importée." }).waitFor();
    await checkA11y(s);

    const parent = await e2e.newPage({ width: 375, height: 800 });
    const p = parent.page;
    await login(p, "/connexion", "Identifiant", "jdupont", "/");
    await p.goto(e2e.url("plombieres", "/inscriptions/scolaire"));
    expect(await textOf(p.locator("main"))).toContain("l'école de secteur est : École du Centre");
    await checkA11y(p);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await p.getByLabel("Enfant").selectOption({ label: "Lucas DUPONT" });
    await p.locator("#f-niveau").selectOption("CM2");
    await p.getByLabel("Demande de dérogation pour une autre école").check();
    await p.getByLabel("École demandée (dérogation)").selectOption("École des Tilleuls");
    await p.getByLabel("Motif de la dérogation").fill("Assistante maternelle rue de la Gare");
    await p.getByRole("button", { name: "Envoyer la demande" }).click();
    await p
      .getByRole("status")
      .filter({ hasText: "Votre demande d'inscription scolaire est envoyée" })
      .waitFor();
    await checkA11y(p);

    await s.goto(e2e.url("plombieres", "/agents/inscriptions-scolaires"));
    await s.getByRole("button", { name: "Accepter Lucas DUPONT" }).click();
    await s.getByRole("status").filter({ hasText: "La demande est acceptée" }).waitFor();
    await checkA11y(s);

    await p.goto(e2e.url("plombieres", "/inscriptions"));
    const href = await p
      .getByRole("link", { name: "Certificat d'inscription scolaire (PDF)" })
      .getAttribute("href");
    // Node does not resolve *.localhost: the page itself fetches the file, with its own cookies.
    const pdf = await p.evaluate(async (url) => {
      const r = await fetch(url);
      const bytes = new Uint8Array(await r.arrayBuffer());
      return {
        status: r.status,
        disposition: r.headers.get("content-disposition"),
        head: [...bytes.slice(0, 5)],
      };
    }, href as string);
    expect(pdf.status).toBe(200);
    expect(pdf.disposition).toMatch(/certificat-inscription-scolaire-\d+\.pdf/);
    expect(String.fromCharCode(...pdf.head)).toBe("%PDF-");
    await p.goto(e2e.url("plombieres", "/tarifs"));
    await h1(p).filter({ hasText: "Mes tarifs" }).waitFor();
    expect(await textOf(p.locator("main"))).toContain("par repas");
    await checkA11y(p);

    await s.goto(e2e.url("plombieres", "/agents/campagne"));
    await checkA11y(s);
    await s.getByLabel("Nom de la campagne").fill("Dossier unique 2027-2028");
    await s.getByLabel("Date limite").fill("2027-06-30");
    await s.getByLabel("Santé de chaque enfant").check();
    await s.getByLabel("Documents demandés").check();
    await s.getByRole("button", { name: "Ouvrir la campagne" }).click();
    await s.getByRole("status").filter({ hasText: "La campagne de mise à jour est ouverte" }).waitFor();

    await p.goto(e2e.url("plombieres", "/mise-a-jour"));
    await checkA11y(p);
    expect(await textOf(p.locator("main"))).toContain("Reste à confirmer");
    for (const box of await p.getByRole("checkbox", { name: /^J'ai vérifié/ }).all()) await box.check();
    await p.getByRole("button", { name: "Enregistrer mon avancement" }).click();
    await p.getByText("Terminé : merci, votre dossier est confirmé.").waitFor();

    await s.reload();
    expect(await textOf(s.locator("main"))).toContain("Terminé (1)");
    await s.getByRole("button", { name: "Relancer les retardataires" }).click();
    await s.getByRole("status").filter({ hasText: "relancées par message et par e-mail" }).waitFor();
    await checkA11y(s);
    expectNoPageErrors(parent);
    expectNoPageErrors(agent);
  });
});
