import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { euros } from "../../src/features/billing/pricing/pricing.ts";
import {
  checkA11y,
  type E2E,
  type E2EPage,
  expectNoPageErrors,
  startE2E,
  textOf,
} from "../helpers/browser.ts";
import { ownerDb, type TestDatabase } from "../helpers/db.ts";
import { completeFile } from "../helpers/planning-fixture.ts";

// Issue 10 in Chromium: a Séné family gets its money back for cancelled paid days (avoir,
// credit spent on the next basket, rest refunded by staff); a waiting-list place accepted in
// Séné lands in the basket and is paid; a Plombières title refuses the desk and tells the
// family how to pay the Treasury. « Contrôle des comptes » then finds nothing. Real clock.

let e2e: E2E;
let owner: Kysely<DB>;
beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
  await completeFile({ owner } as TestDatabase, "sene", "1001");
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const next = (page: Page) => page.getByRole("button", { name: "Suivant →" }).click();
const main = (page: Page) => textOf(page.locator("main"));

async function signIn(slug: string, path: string, label: string, id: string): Promise<E2EPage> {
  const user = await e2e.newPage();
  const simulator = new URL(e2e.platform.payfipUrl as string).origin;
  await user.context.route(
    (url) => url.origin === simulator,
    (route) => route.continue(),
  );
  await user.page.goto(e2e.url(slug, path));
  await user.page.getByLabel(label).fill(id);
  await user.page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await user.page.getByRole("button", { name: "Connexion" }).click();
  await user.page.waitForURL((url) => !url.pathname.endsWith("/connexion"));
  return user;
}

async function bookIntoBasket(page: Page, child: RegExp, days: string[]) {
  await page.goto(e2e.url("sene", "/planning/reserver"));
  await page.getByLabel(/Paul TEST/).setChecked(false);
  await page.getByLabel(/Emma-Rose TEST/).setChecked(false);
  await page.getByLabel(child).check();
  await next(page);
  await page.getByLabel(/MERCREDI POMPIDOU B ELEMENTAIRE \/ 2026-2027/).check();
  await next(page);
  for (const day of days) await page.getByLabel(day, { exact: true }).check();
  await next(page);
  await page.getByRole("button", { name: "Valider" }).click();
  await page.getByRole("status").filter({ hasText: "a été enregistrée" }).waitFor();
  await page.goto(e2e.url("sene", "/panier"));
  await h1(page).filter({ hasText: "Mon panier" }).waitFor();
}

async function payByCard(page: Page) {
  await page.getByRole("button", { name: /Valider et payer/ }).click();
  await page.getByRole("heading", { name: "Paiement en ligne" }).waitFor();
  await page.getByRole("button", { name: "Payer par carte bancaire (paiement accepté)" }).click();
  await h1(page).filter({ hasText: "Paiement accepté" }).waitFor();
}

const bookingsOf = (firstName: string, days: string[]) =>
  owner
    .selectFrom("bookings as b")
    .innerJoin("children as c", "c.id", "b.child_id")
    .select(["b.id", "b.status", "b.period_id", "b.day"])
    .where("c.first_name", "=", firstName)
    .where("b.day", "in", days)
    .where("b.status", "not in", ["cancelled", "expired"])
    .orderBy("b.day")
    .execute();

describe("every euro right, in a browser", () => {
  it("Séné: five paid Wednesdays, four cancelled, the avoir spent on the next basket, the rest refunded", {
    timeout: 120_000,
  }, async () => {
    const parent = await signIn("sene", "/connexion", "Adresse e-mail", "lola.test@sene.test");
    const { page } = parent;
    await bookIntoBasket(page, /Paul TEST/, [
      "mercredi 10 mars 2027",
      "mercredi 17 mars 2027",
      "mercredi 24 mars 2027",
      "mercredi 31 mars 2027",
      "mercredi 7 avril 2027",
    ]);
    await payByCard(page);

    const march = await bookingsOf("Paul", ["2027-03-17", "2027-03-24", "2027-03-31", "2027-04-07"]);
    const query = march.map((b) => `reservation=${b.id}`).join("&");
    await page.goto(
      e2e.url("sene", `/planning/annuler/plus?periode=${march[0]?.period_id}&etape=confirmer&${query}`),
    );
    expect(await main(page)).toContain("Annulé sans frais");
    await page.getByRole("button", { name: "Valider l'annulation" }).click();
    await page.getByRole("status").waitFor();

    await page.goto(e2e.url("sene", "/factures"));
    const list = await main(page);
    expect(list).toContain("AV-CAM-1");
    expect(list).toContain("Avoir");
    await checkA11y(page);
    await page.goto(e2e.url("sene", "/releve"));
    expect(await main(page)).toContain(`Vous disposez d'un avoir de ${euros(4600)}`);
    await checkA11y(page);

    await bookIntoBasket(page, /Paul TEST/, ["mercredi 5 mai 2027", "mercredi 12 mai 2027"]);
    expect(await main(page)).toContain(`Avoir déduit : ${euros(2300)} – reste à payer : ${euros(0)}`);
    await checkA11y(page);
    await page.getByRole("button", { name: /Valider et payer/ }).click();
    await h1(page).filter({ hasText: "Facture n° CAM-2" }).waitFor();
    expect(await main(page)).toContain("Soldée par avoir");
    await checkA11y(page);

    await page.goto(e2e.url("sene", "/releve"));
    expect(await main(page)).toContain(`Vous disposez d'un avoir de ${euros(2300)}`);
    await page.getByLabel("IBAN", { exact: true }).fill("FR76 3000 6000 0112 3456 7890 189");
    await page.getByLabel("Titulaire du compte").fill("Lola TEST");
    await page.getByRole("button", { name: /Demander le remboursement/ }).click();
    await page.getByRole("status").filter({ hasText: "demande de remboursement est enregistrée" }).waitFor();
    await checkA11y(page);

    const staff = await signIn("sene", "/agents/connexion", "Adresse e-mail", "admin@sene.test");
    await staff.page.goto(e2e.url("sene", "/agents/facturation/remboursements"));
    expect(await main(staff.page)).toContain("FR7630006000011234567890189");
    await checkA11y(staff.page);
    await staff.page.getByRole("button", { name: "Enregistrer le remboursement" }).click();
    await staff.page.getByRole("status").filter({ hasText: "Le remboursement a été enregistré." }).waitFor();
    expect(await main(staff.page)).toContain("Remboursé par virement le");
    await checkA11y(staff.page);

    await page.goto(e2e.url("sene", "/releve"));
    expect(await main(page)).toContain("Remboursement d'avoir par virement");
    expectNoPageErrors(parent);
    expectNoPageErrors(staff);
  });

  it("Séné: a place accepted from the waiting list lands in the basket and is paid", {
    timeout: 90_000,
  }, async () => {
    const day = "2027-06-09";
    const period = (await bookingsOf("Paul", ["2027-05-05"]))[0]?.period_id as string;
    const tenantId = (
      await owner.selectFrom("tenants").select("id").where("slug", "=", "sene").executeTakeFirstOrThrow()
    ).id;
    await owner
      .insertInto("occupancy")
      .values({ tenant_id: tenantId, period_id: period, day, taken: 96 })
      .execute();
    const parent = await signIn("sene", "/connexion", "Adresse e-mail", "lola.test@sene.test");
    const { page } = parent;
    await page.goto(e2e.url("sene", "/planning/reserver"));
    await page.getByLabel(/Paul TEST/).setChecked(false);
    await page.getByLabel(/Emma-Rose TEST/).check();
    await next(page);
    await page.getByLabel(/MERCREDI POMPIDOU B ELEMENTAIRE \/ 2026-2027/).check();
    await next(page);
    await page.getByLabel("mercredi 9 juin 2027", { exact: true }).check();
    await next(page);
    await page.getByRole("button", { name: "Valider" }).click();
    await page.getByRole("status").filter({ hasText: "a été enregistrée" }).waitFor();
    expect((await bookingsOf("Emma-Rose", [day]))[0]?.status).toBe("waiting");

    // A place frees up: the waiting-list job offers it to Emma-Rose.
    await owner
      .updateTable("occupancy")
      .set({ taken: 95 })
      .where("period_id", "=", period)
      .where("day", "=", day)
      .execute();
    await owner
      .insertInto("place_releases")
      .values({ tenant_id: tenantId, period_id: period, day })
      .execute();
    const deadline = Date.now() + 20_000;
    while ((await bookingsOf("Emma-Rose", [day]))[0]?.status !== "offered" && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const offered = (await bookingsOf("Emma-Rose", [day]))[0];
    expect(offered?.status).toBe("offered");

    await page.goto(e2e.url("sene", `/planning/reservations/${offered?.id}`));
    expect(await main(page)).toMatch(/acceptez-la ou refusez-la avant le \d\d\/\d\d\/\d{4} à \d\d:\d\d/);
    await checkA11y(page);
    await page.getByRole("button", { name: "Accepter la place" }).click();
    await page.getByRole("status").filter({ hasText: "réglez-la dans « Mon panier »" }).waitFor();
    await page.goto(e2e.url("sene", "/panier"));
    expect(await main(page)).toContain("MERCREDIS – Emma-Rose TEST (09/06)");
    await checkA11y(page);
    await payByCard(page);
    expect((await bookingsOf("Emma-Rose", [day]))[0]?.status).toBe("accepted");

    const staff = await signIn("sene", "/agents/connexion", "Adresse e-mail", "admin@sene.test");
    await staff.page.goto(e2e.url("sene", "/agents/facturation/controle"));
    expect(await main(staff.page)).toContain("Aucune anomalie");
    await checkA11y(staff.page);
    expectNoPageErrors(parent);
  });

  it("Plombières: a title refuses the desk and shows the family how to pay the Treasury", {
    timeout: 90_000,
  }, async () => {
    const tenantId = (
      await owner
        .selectFrom("tenants")
        .select("id")
        .where("slug", "=", "plombieres")
        .executeTakeFirstOrThrow()
    ).id;
    const household = await owner
      .selectFrom("households")
      .select("id")
      .where("tenant_id", "=", tenantId)
      .where("number", "=", "1001001818331")
      .executeTakeFirstOrThrow();
    const regie = await owner
      .selectFrom("regies")
      .select(["id", "invoice_prefix"])
      .where("tenant_id", "=", tenantId)
      .where("key", "=", "enfance")
      .executeTakeFirstOrThrow();
    const invoice = await owner
      .insertInto("invoices")
      .values({
        tenant_id: tenantId,
        regie_id: regie.id,
        household_id: household.id,
        kind: "invoice",
        seq: 1,
        number: `${regie.invoice_prefix}1`,
        month: "2026-10-01",
        issued_on: "2026-11-02",
        due_on: "2026-12-02",
        total_cents: 890,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner
      .insertInto("invoice_lines")
      .values({
        tenant_id: tenantId,
        invoice_id: invoice.id,
        household_id: household.id,
        label: "Restauration – Lucas",
        quantity: 2,
        unit_cents: 445,
        amount_cents: 890,
        position: 0,
      })
      .execute();

    const staff = await signIn("plombieres", "/agents/connexion", "Adresse e-mail", "admin@plombieres.test");
    const sp = staff.page;
    await sp.goto(e2e.url("plombieres", `/agents/facturation/factures/${invoice.id}`));
    await sp.getByLabel("Numéro du titre ORMC").fill("2026-000777");
    await sp.getByRole("button", { name: "Transmettre au Trésor" }).click();
    await sp.getByRole("status").filter({ hasText: "transmise au Trésor public" }).waitFor();
    const shown = await main(sp);
    expect(shown).not.toContain("Enregistrer un règlement");
    expect(shown).not.toContain("Créer un avoir");
    expect(shown).toContain("Enregistrer une correction du Trésor public");
    await checkA11y(sp);

    const parent = await signIn("plombieres", "/connexion", "Identifiant", "jdupont");
    const pp = parent.page;
    expect(await main(pp)).toContain("À régler auprès du Trésor public");
    await pp.goto(e2e.url("plombieres", `/factures/${invoice.id}`));
    const bill = await main(pp);
    expect(bill).toContain("ORMC n° 2026-000777");
    expect(bill).toContain("payfip.gouv.fr");
    expect(bill).not.toContain("Payer en ligne");
    await checkA11y(pp);
    await pp.setViewportSize({ width: 375, height: 800 });
    expect(await pp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expectNoPageErrors(staff);
    expectNoPageErrors(parent);
  });
});
