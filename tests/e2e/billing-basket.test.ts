import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { createBasketExpiryJob } from "../../src/features/billing/basket/basket-job.ts";
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

// Issue 5 « Mon panier » in Chromium: a Séné parent books two Wednesdays through the
// wizard, pays the basket through the PayFiP simulator and finds the days « Acceptée »;
// a basket left unpaid expires at its deadline and its places are freed.

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

async function signedIn(): Promise<E2EPage> {
  const parent = await e2e.newPage();
  // The simulator stands in for payfip.gouv.fr: let the browser reach it (routes run newest first).
  const simulator = new URL(e2e.platform.payfipUrl as string).origin;
  await parent.context.route(
    (url) => url.origin === simulator,
    (route) => route.continue(),
  );
  const page = parent.page;
  await page.goto(e2e.url("sene", "/connexion"));
  await page.getByLabel("Adresse e-mail").fill("lola.test@sene.test");
  await page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Connexion" }).click();
  await h1(page).filter({ hasText: "Bienvenue" }).waitFor();
  return parent;
}

/** « Nouvelle réservation » of Wednesdays for Paul, up to « Mon panier ». */
async function bookIntoBasket(page: Page, days: string[]) {
  await page.goto(e2e.url("sene", "/planning/reserver"));
  await page.getByLabel(/Paul TEST/).check();
  await page.getByLabel(/Emma-Rose TEST/).setChecked(false);
  await next(page);
  await page.getByLabel(/MERCREDI POMPIDOU B ELEMENTAIRE \/ 2026-2027/).check();
  await next(page);
  for (const day of days) await page.getByLabel(day, { exact: true }).check();
  await next(page);
  await page.locator('[aria-current="step"]').filter({ hasText: "Récapitulatif" }).waitFor();
  await page.getByRole("button", { name: "Valider" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: /Votre demande n° \d+ a été enregistrée/ })
    .waitFor();
  expect(await textOf(page.locator("main"))).toContain(`${days[0]} : En attente de paiement`);
  await page.getByRole("link", { name: "Mon panier : valider et payer" }).click();
  await h1(page).filter({ hasText: "Mon panier" }).waitFor();
}

const statusOf = async (day: string) =>
  await owner
    .selectFrom("bookings")
    .innerJoin("children as c", "c.id", "bookings.child_id")
    .select(["bookings.status", "bookings.basket_id", "bookings.period_id"])
    .where("c.first_name", "=", "Paul")
    .where("bookings.day", "=", day)
    .orderBy("bookings.created_at", "desc")
    .executeTakeFirstOrThrow();

describe("« Mon panier » in a browser (Séné)", () => {
  it("books two Wednesdays, pays the basket through PayFiP and sees them « Acceptée »", {
    timeout: 90_000,
  }, async () => {
    const parent = await signedIn();
    const { page } = parent;
    await bookIntoBasket(page, ["mercredi 5 mai 2027", "mercredi 12 mai 2027"]);
    const basket = await textOf(page.locator("main"));
    expect(basket).toContain("REGIE CENTRE AERE MERCREDI");
    expect(basket).toMatch(/Réservation n° \d+ pour Paul TEST créée le .* à régler avant : \d\d:\d\d/);
    expect(basket).toContain("MERCREDIS – Paul TEST (05/05)");
    expect(basket).toContain(`Total : ${euros(2300)}`);
    await checkA11y(page);

    await page.getByRole("button", { name: /Valider et payer/ }).click();
    await page.getByRole("heading", { name: "Paiement en ligne" }).waitFor();
    expect(await textOf(page.locator("main"))).toContain(euros(2300));
    await page.getByRole("button", { name: "Payer par carte bancaire (paiement accepté)" }).click();
    await h1(page).filter({ hasText: "Paiement accepté" }).waitFor();

    await page.goto(e2e.url("sene", "/planning?mois=2027-05"));
    await h1(page).waitFor();
    const planning = await textOf(page.locator("main"));
    expect(planning).toContain("Acceptée");
    expect(planning).not.toContain("En attente de paiement");
    expect((await statusOf("2027-05-05")).status).toBe("accepted");
    expect((await statusOf("2027-05-12")).status).toBe("accepted");
    await page.goto(e2e.url("sene", "/panier"));
    expect(await textOf(page.locator("main"))).toContain("Votre panier est vide");
    await checkA11y(page);
    expectNoPageErrors(parent);
  });

  it("lets a basket left unpaid expire at its deadline and frees its places", {
    timeout: 90_000,
  }, async () => {
    const parent = await signedIn();
    const { page } = parent;
    await bookIntoBasket(page, ["mercredi 19 mai 2027"]);
    const booked = await statusOf("2027-05-19");
    expect(booked.status).toBe("unpaid");
    const taken = () =>
      owner
        .selectFrom("occupancy")
        .select("taken")
        .where("period_id", "=", booked.period_id)
        .where("day", "=", "2027-05-19")
        .executeTakeFirstOrThrow();
    expect((await taken()).taken).toBe(1);
    const basket = await owner
      .selectFrom("baskets")
      .select(["id", "tenant_id", "expires_at"])
      .where("id", "=", booked.basket_id as string)
      .executeTakeFirstOrThrow();

    const { db, payfip, log } = e2e.platform.deps;
    const expire = createBasketExpiryJob(db, payfip, log);
    await expire(
      { tenantId: basket.tenant_id, id: basket.id },
      new Date(basket.expires_at.getTime() + 60_000),
    );

    expect((await statusOf("2027-05-19")).status).toBe("expired");
    expect((await taken()).taken).toBe(0);
    await page.goto(e2e.url("sene", "/panier"));
    await h1(page).filter({ hasText: "Mon panier" }).waitFor();
    expect(await textOf(page.locator("main"))).toContain("Votre panier est vide");
    await page.goto(e2e.url("sene", "/planning?mois=2027-05&annulations=1"));
    expect(await textOf(page.locator("main"))).toContain("Expirée");
    expectNoPageErrors(parent);
  });
});
