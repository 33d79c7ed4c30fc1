import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { lastId, type Mailbox } from "../../src/integrations/mail/sink.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";
import { ownerDb, type TestDatabase } from "../helpers/db.ts";
import { completeFile, payAfterwards } from "../helpers/planning-fixture.ts";

// « Nouvelle réservation » in Chromium (issue 4 « Tests »): a Sennecey parent books days of
// the spring ALSH holidays; a Séné parent books every Wednesday from January to the end of
// the school year for two children at once with « mode recopie ». axe-core on every step.

let e2e: E2E;
let owner: Kysely<DB>;
beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
  // completeFile only uses the owner connection.
  const db = { owner } as TestDatabase;
  await completeFile(db, "senneceylesdijon", "1001");
  await completeFile(db, "sene", "1001");
  await payAfterwards(db, "sene");
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const mailbox = () => e2e.platform.deps.mailbox as Mailbox;

async function login(page: Page, town: string, email: string) {
  await page.goto(e2e.url(town, "/connexion"));
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Connexion" }).click();
  await h1(page).filter({ hasText: "Bienvenue" }).waitFor();
}

/** The step marked aria-current, after checking the page with axe. */
async function atStep(page: Page, step: string) {
  await page.locator('[aria-current="step"]').filter({ hasText: step }).waitFor();
  await checkA11y(page);
}

const next = (page: Page) => page.getByRole("button", { name: "Suivant →" }).click();

async function validateAndConfirm(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Valider" }).click();
  const flash = page.getByRole("status").filter({ hasText: /Votre demande n° \d+ a été enregistrée/ });
  await flash.waitFor();
  await checkA11y(page);
  return /n° (\d+)/.exec(await textOf(flash))?.[1] as string;
}

describe("« Nouvelle réservation » in a browser", () => {
  it("a Sennecey parent books days of « vacances printemps bambinos »", { timeout: 90_000 }, async () => {
    const p = await e2e.newPage();
    const { page } = p;
    await login(page, "senneceylesdijon", "parent1.mairie@senneceylesdijon.test");
    const since = lastId(mailbox());
    await page.goto(e2e.url("senneceylesdijon", "/planning/reserver"));
    await atStep(page, "Sélectionner l'usager");
    await expect(page.getByLabel(/Enfant 1 MAIRIE \(\d+ ans\)/).isChecked()).resolves.toBe(true);
    await next(page);

    await atStep(page, "Choix établissement et période");
    await page.getByLabel(/vacances printemps bambinos/).check();
    await next(page);

    await atStep(page, "Planning");
    expect(await textOf(h1(page))).toBe(
      "Nouvelle réservation : Enfant 1 MAIRIE sur vacances printemps bambinos",
    );
    const selected = page.locator("[data-selection-summary]");
    expect(await textOf(selected)).toContain("0 jour(s) sélectionné(s)");
    // « Sélection en cours » follows the ticks in place (htmx): a flag set on the window survives.
    await page.evaluate(() => Object.assign(window, { stayed: true }));
    await page.getByLabel("mardi 13 avril 2027", { exact: true }).check();
    await selected.filter({ hasText: "1 jour(s) sélectionné(s)" }).waitFor();
    await page.getByLabel("mercredi 14 avril 2027", { exact: true }).check();
    await selected.filter({ hasText: "2 jour(s) sélectionné(s)" }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await checkA11y(page);
    expect(await selected.getByRole("listitem").allInnerTexts()).toEqual([
      "mardi 13 avril 2027",
      "mercredi 14 avril 2027",
    ]);
    await next(page);

    await atStep(page, "Récapitulatif");
    const recap = await textOf(page.locator("main"));
    expect(recap).toContain("mardi 13 avril 2027\tEn attente de traitement");
    expect(recap).toContain("mercredi 14 avril 2027\tEn attente de traitement");
    const number = await validateAndConfirm(page);
    expect(await textOf(page.locator("main"))).toContain("mardi 13 avril 2027 : En attente de traitement");
    await expect(page.getByRole("link", { name: "+ Nouvelle réservation" }).count()).resolves.toBe(1);

    const mail = await mailbox().waitFor("parent1.mairie@senneceylesdijon.test", { since });
    expect(mail.subject).toContain(`n° ${number}`);
    expect(mail.text).toContain("mercredi 14 avril 2027 : en attente de traitement");
    expectNoPageErrors(p);
  });

  it("a Séné parent books every Wednesday from January for Paul and Emma-Rose with « mode recopie »", {
    timeout: 90_000,
  }, async () => {
    const p = await e2e.newPage();
    const { page } = p;
    await login(page, "sene", "lola.test@sene.test");
    const since = lastId(mailbox());
    await page.goto(e2e.url("sene", "/planning/reserver"));
    await atStep(page, "Sélectionner l'usager");
    await page.getByLabel(/Paul TEST/).check();
    await page.getByLabel(/Emma-Rose TEST/).check();
    await next(page);

    await atStep(page, "Choix établissement et période");
    await page.getByLabel(/MERCREDI POMPIDOU B ELEMENTAIRE \/ 2026-2027/).check();
    await next(page);

    await atStep(page, "Planning");
    await page.getByLabel("Du", { exact: true }).fill("2027-01-13");
    await page.getByLabel("Au", { exact: true }).fill("2027-06-30");
    await expect(page.getByLabel("Mercredi", { exact: true }).isChecked()).resolves.toBe(true);
    await page.getByRole("button", { name: "Recopier la sélection" }).click();
    const added = page.getByRole("status").filter({ hasText: /jour\(s\) ajouté\(s\)/ });
    await added.waitFor();
    await checkA11y(page);
    const count = Number(/(\d+) jour/.exec(await textOf(added))?.[1]);
    expect(count).toBeGreaterThan(15);
    await expect(page.getByLabel("mercredi 13 janvier 2027", { exact: true }).isChecked()).resolves.toBe(
      true,
    );
    await expect(page.getByLabel("mercredi 30 juin 2027", { exact: true }).isChecked()).resolves.toBe(true);
    await expect(page.getByLabel("mercredi 6 janvier 2027", { exact: true }).isChecked()).resolves.toBe(
      false,
    );
    await next(page);

    await atStep(page, "Récapitulatif");
    await page.getByRole("table", { name: `Paul TEST – ${count} jour(s)` }).waitFor();
    await page.getByRole("table", { name: `Emma-Rose TEST – ${count} jour(s)` }).waitFor();
    const number = await validateAndConfirm(page);

    const booked = await owner
      .selectFrom("bookings")
      .innerJoin("booking_dossiers as d", "d.id", "bookings.dossier_id")
      .select(["bookings.day", "bookings.status"])
      .where("d.number", "=", number)
      .where("d.tenant_id", "=", (eb) => eb.selectFrom("tenants").select("id").where("slug", "=", "sene"))
      .execute();
    expect(booked).toHaveLength(2 * count);
    expect(booked.every((b) => b.day >= "2027-01-13" && b.status === "accepted")).toBe(true);
    const mail = await mailbox().waitFor("lola.test@sene.test", { since });
    expect(mail.text).toContain("Paul TEST :");
    expect(mail.text).toContain("Emma-Rose TEST :");
    expect(mail.text).toContain("mercredi 30 juin 2027 : acceptée");
    expectNoPageErrors(p);
  });
});
