import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";
import { ownerDb, type TestDatabase } from "../helpers/db.ts";
import { completeFile } from "../helpers/planning-fixture.ts";

// The Plombières agenda (issue 4, items 8–9): a parent asks for a day by keyboard from the
// grid, staff accept it, the parent declares an absence (Maladie) from the same grid and sees
// « Absence en cours de traitement ». The browser runs on the real clock: the day is in 2027.

const DAY_NAME = "Garderie périscolaire Restauration scolaire, jeudi 4 mars 2027";
let e2e: E2E;
let owner: Kysely<DB>;

beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
  await completeFile({ owner } as TestDatabase, "plombieres", "1001001818331");
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");

/** Follows a link the way a keyboard user does: focus, then Enter. */
async function press(page: Page, name: string) {
  const link = page.getByRole("link", { name });
  await link.focus();
  await page.keyboard.press("Enter");
}

describe("« Agenda » in a browser (Plombières)", () => {
  it("asks for a day by keyboard, then declares an absence for illness", { timeout: 90_000 }, async () => {
    const parent = await e2e.newPage({ width: 375, height: 800 });
    const p = parent.page;
    await p.goto(e2e.url("plombieres", "/connexion"));
    await p.getByLabel("Identifiant").fill("jdupont");
    await p.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await p.getByRole("button", { name: "Connexion" }).click();
    await h1(p).filter({ hasText: "Bienvenue" }).waitFor();

    await p.goto(e2e.url("plombieres", "/agenda?mois=2027-03"));
    await p.getByRole("table", { name: "Agenda de Lucas DUPONT – mars 2027" }).waitFor();
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await checkA11y(p);
    await press(p, `Demande de réservation – Lucas DUPONT, ${DAY_NAME}`);
    await h1(p).filter({ hasText: "Demande de réservation" }).waitFor();
    expect(await textOf(p.locator("main"))).toContain("Vos demandes sont validées par le service");
    await checkA11y(p);
    await p.getByRole("button", { name: "Envoyer la demande de réservation" }).focus();
    await p.keyboard.press("Enter");
    await p.getByRole("status").filter({ hasText: "Votre demande de réservation a été envoyée." }).waitFor();
    const cell = p.getByRole("cell", { name: new RegExp(`Réservation en cours de traitement.*${DAY_NAME}`) });
    await cell.waitFor();

    // Staff accept the request (the review page belongs to the staff's queue).
    await owner.updateTable("bookings").set({ status: "accepted" }).where("day", "=", "2027-03-04").execute();

    await p.reload();
    await press(p, `Déclarer une absence – Lucas DUPONT, ${DAY_NAME}`);
    await h1(p).filter({ hasText: "Déclarer une absence" }).waitFor();
    await checkA11y(p);
    await p.getByLabel("Motif de l'absence").selectOption({ label: "Maladie (justificatif demandé)" });
    await p.getByRole("button", { name: "Confirmer l'absence" }).click();
    await p
      .getByRole("status")
      .filter({ hasText: "Votre déclaration d'absence a été enregistrée." })
      .waitFor();
    const summary = await textOf(p.locator("main"));
    expect(summary).toContain("Absence en cours de traitement");
    expect(summary).toContain("Déposez un justificatif médical avant le");
    await checkA11y(p);

    await p.goto(e2e.url("plombieres", "/agenda?mois=2027-03"));
    await p.getByRole("cell", { name: new RegExp(`Absence en cours de traitement.*${DAY_NAME}`) }).waitFor();
    await p
      .getByRole("link", { name: `Déposer le justificatif d'absence – Lucas DUPONT, ${DAY_NAME}` })
      .waitFor();
    await checkA11y(p);

    const staff = await e2e.newPage();
    const s = staff.page;
    await s.goto(e2e.url("plombieres", "/agents/connexion"));
    await s.getByLabel("Adresse e-mail").fill("admin@plombieres.test");
    await s.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await s.getByRole("button", { name: "Connexion" }).click();
    await s.getByRole("link", { name: "Absences à traiter" }).click();
    await h1(s).filter({ hasText: "Absences à traiter" }).waitFor();
    expect(await textOf(s.locator("main"))).toContain("Non reçu (attendu avant le 12/03/2027)");
    await checkA11y(s);
    expectNoPageErrors(parent);
    expectNoPageErrors(staff);
  });
});
