import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { book } from "../../src/features/planning/booking/booking-service.ts";
import { tenantConfigSchema } from "../../src/tenancy/config-schema.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";
import { ownerDb, type TestDatabase } from "../helpers/db.ts";
import { completeFile, payAfterwards } from "../helpers/planning-fixture.ts";

// « Mon planning » on a phone (issue 4, item 4 and 7): a Séné parent sees a Wednesday booked
// in the month and cancels it with « Cette demande ». axe-core on the calendar, the booking
// and the cancellation pages. The browser runs on the real clock: the day is in March 2027.

const DAY = "2027-03-10";
let e2e: E2E;
let owner: Kysely<DB>;

beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
  const householdId = await completeFile({ owner } as TestDatabase, "sene", "1001");
  await payAfterwards({ owner } as TestDatabase, "sene");
  const t = await owner
    .selectFrom("tenants")
    .selectAll()
    .where("slug", "=", "sene")
    .executeTakeFirstOrThrow();
  const tenant = {
    id: t.id,
    slug: t.slug,
    name: t.name,
    status: t.status,
    config: tenantConfigSchema.parse(t.config),
    logoSvg: null,
  };
  const user = await owner
    .selectFrom("users")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const paul = await owner
    .selectFrom("children")
    .select("id")
    .where("household_id", "=", householdId)
    .where("first_name", "=", "Paul")
    .executeTakeFirstOrThrow();
  const period = await owner
    .selectFrom("periods")
    .select("id")
    .where("tenant_id", "=", t.id)
    .where("key", "=", "mercredi-pompidou-2026-2027")
    .executeTakeFirstOrThrow();
  const ctx = { role: "app_parent" as const, tenantId: t.id, userId: user.id, householdId };
  await e2e.platform.deps.db.withTenant(ctx, (trx) =>
    book(
      trx,
      { tenant, actor: { kind: "parent", userId: user.id }, actorName: "Lola", householdId, now: new Date() },
      { periodId: period.id, childIds: [paul.id], days: [DAY], idempotencyKey: crypto.randomUUID() },
    ),
  );
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");

/** No horizontal scroll of the page itself at the phone's width. */
const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe("« Mon planning » on a phone", () => {
  it("shows the booked day and cancels it with « Cette demande »", { timeout: 90_000 }, async () => {
    const phone = await e2e.newPage({ width: 375, height: 800 });
    const p = phone.page;
    await p.goto(e2e.url("sene", "/connexion"));
    await p.getByLabel("Adresse e-mail").fill("lola.test@sene.test");
    await p.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await p.getByRole("button", { name: "Connexion" }).click();
    await h1(p).filter({ hasText: "Bienvenue" }).waitFor();

    await p.getByRole("link", { name: /Mon planning/ }).click();
    await h1(p).filter({ hasText: "Mon planning" }).waitFor();
    await p.goto(e2e.url("sene", "/planning?mois=2027-03"));
    const booking = p.getByRole("link", { name: /Paul MERCREDIS.*mercredi 10 mars 2027.*Acceptée/ });
    await booking.waitFor();
    expect(await booking.isVisible()).toBe(true);
    // On a phone only the days with something are listed: 10 March, not 11 March.
    expect(await p.getByText("jeudi 11 mars 2027").isVisible()).toBe(false);
    expect(await pageWidth(p)).toBeLessThanOrEqual(375);
    await checkA11y(p);

    await booking.click();
    await h1(p).filter({ hasText: "Réservation du mercredi 10 mars 2027" }).waitFor();
    expect(await pageWidth(p)).toBeLessThanOrEqual(375);
    await checkA11y(p);

    await p.getByRole("button", { name: "Annuler", exact: true }).click();
    await h1(p).filter({ hasText: "Annuler une réservation" }).waitFor();
    expect(await textOf(p.locator("main"))).toContain("Ce jour sera annulé sans frais.");
    await checkA11y(p);
    await p.getByRole("button", { name: /Cette demande/ }).click();
    await p.getByRole("status").filter({ hasText: "L'annulation est enregistrée." }).waitFor();
    expect(await p.getByRole("link", { name: /Paul MERCREDIS/ }).count()).toBe(0);
    await p.getByText("Options d'affichage et légende").click();
    await p.getByLabel("Afficher les annulations et refus").check();
    await p.getByRole("button", { name: "Afficher" }).click();
    await p.getByRole("link", { name: /Paul MERCREDIS.*Annulée/ }).waitFor();
    await checkA11y(p);
    expectNoPageErrors(phone);
  });
});
