import { readFileSync } from "node:fs";
import { type Kysely, sql } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";
import { ownerDb, type TestDatabase } from "../helpers/db.ts";
import { completeFile } from "../helpers/planning-fixture.ts";

// Issue 15: a Plombières parent enrols Lucas in the canteen four days a week, staff accept,
// and the agenda shows the days « Réservé » with the winter holidays skipped. Real clock.

let e2e: E2E;
let owner: Kysely<DB>;

beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
  await completeFile({ owner } as TestDatabase, "plombieres", "1001001818331");
  // The demo enrols Lucas « à la carte » in this year's canteen: this journey starts without it.
  await owner
    .deleteFrom("enrolments")
    .where(
      "period_id",
      "in",
      owner.selectFrom("periods").select("id").where("key", "=", "restauration-2026-2027"),
    )
    .execute();
  // The canteen asks for the « Autorisation parentale », joined to the request in the form.
  await owner
    .updateTable("services")
    .set({ rules: sql`rules || '{"enrolmentDocuments": ["autorisation_parentale"]}'::jsonb` })
    .where("key", "=", "restauration")
    .where("tenant_id", "=", owner.selectFrom("tenants").select("id").where("slug", "=", "plombieres"))
    .execute();
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const PDF = readFileSync(
  new URL("../../tenants/forms/senneceylesdijon/fiche-sanitaire-de-liaison.pdf", import.meta.url),
);
/** A Windows executable named like a PDF: refused by its content. */
const EXE = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(510, 0x90)]);

async function login(page: Page, path: string, label: string, id: string) {
  await page.goto(e2e.url("plombieres", path));
  await page.getByLabel(label).fill(id);
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Connexion" }).click();
}

describe("« Nouvelle inscription » in a browser (Plombières)", () => {
  it("enrols four days a week, staff accept, the agenda shows the days booked", {
    timeout: 120_000,
  }, async () => {
    const parent = await e2e.newPage({ width: 375, height: 800 });
    const p = parent.page;
    await login(p, "/connexion", "Identifiant", "jdupont");
    await h1(p).filter({ hasText: "Bienvenue" }).waitFor();
    await p.goto(e2e.url("plombieres", "/enfants"));
    await p.getByRole("button", { name: "Nouvelle inscription", exact: true }).click();
    await h1(p).filter({ hasText: "Nouvelle inscription" }).waitFor();
    await checkA11y(p);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await p.getByLabel("Enfant").selectOption({ label: "Lucas DUPONT" });
    await p.getByLabel("Service et période").selectOption({
      label: "Garderie périscolaire › Restauration scolaire › Restauration scolaire 2026-2027",
    });
    for (const day of ["Lundi", "Mardi", "Jeudi", "Vendredi"])
      await p.getByLabel(day, { exact: true }).check();
    await p.getByLabel("À partir du (Régulier)").fill("2027-01-04");
    const piece = p.getByLabel("Autorisation parentale");
    await piece.setInputFiles({ name: "autorisation.pdf", mimeType: "application/pdf", buffer: EXE });
    await p.getByRole("button", { name: "Envoyer la demande" }).click();
    await p.locator("#f-piece_autorisation_parentale-error").filter({ hasText: "format accepté" }).waitFor();
    await checkA11y(p);
    await piece.setInputFiles({ name: "autorisation.pdf", mimeType: "application/pdf", buffer: PDF });
    await p.getByRole("button", { name: "Envoyer la demande" }).click();
    await p.getByRole("status").filter({ hasText: "Votre demande d'inscription est envoyée" }).waitFor();
    expect(await textOf(p.locator("main"))).toContain("Régulier : lundi, mardi, jeudi, vendredi");
    await checkA11y(p);

    const agent = await e2e.newPage();
    const s = agent.page;
    await login(s, "/agents/connexion", "Adresse e-mail", "admin@plombieres.test");
    await s.waitForURL((u) => u.pathname === "/agents");
    await s.goto(e2e.url("plombieres", "/agents/inscriptions"));
    await h1(s).filter({ hasText: "Inscriptions à traiter" }).waitFor();
    await checkA11y(s);
    await s.getByLabel(/Choisir Lucas DUPONT/).check();
    await s.getByRole("button", { name: "Accepter" }).click();
    await s.getByRole("status").filter({ hasText: "Les inscriptions choisies sont traitées" }).waitFor();
    await checkA11y(s);

    await p.goto(e2e.url("plombieres", "/inscriptions"));
    expect(await textOf(p.locator("main"))).toMatch(/Acceptée \(\d+ jours réservés\)/);
    await checkA11y(p);
    await p.goto(e2e.url("plombieres", "/agenda?mois=2027-02"));
    const row = p.getByRole("row", { name: /Garderie périscolaire Restauration scolaire/ });
    const text = await textOf(row);
    expect(text).toContain("Réservé");
    expect(text).toContain("Petites vacances");
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await checkA11y(p);
    expectNoPageErrors(parent);
    expectNoPageErrors(agent);
  });
});
