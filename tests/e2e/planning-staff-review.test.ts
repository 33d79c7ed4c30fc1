import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { book } from "../../src/features/planning/booking/booking-service.ts";
import { tenantConfigSchema } from "../../src/tenancy/config-schema.ts";
import { checkA11y, type E2E, expectNoPageErrors, startE2E, textOf } from "../helpers/browser.ts";
import { ownerDb, type TestDatabase } from "../helpers/db.ts";
import { completeFile } from "../helpers/planning-fixture.ts";

// Staff review (issue 4, items 11 and 12): a Sennecey parent's ALSH days (« vacances
// printemps bambinos », accepted after review) wait in « Réservations à traiter »; the admin
// accepts one dossier, refuses another through the selection (a reason is required), looks
// at the occupancy, and the parent sees « Acceptée ». axe-core on every staff page.

let e2e: E2E;
let owner: Kysely<DB>;
let serviceId: string;
const dossiers: { number: string; bookingId: string }[] = [];

beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
  const householdId = await completeFile({ owner } as TestDatabase, "senneceylesdijon", "1001");
  const t = await owner
    .selectFrom("tenants")
    .selectAll()
    .where("slug", "=", "senneceylesdijon")
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
    .orderBy("created_at")
    .executeTakeFirstOrThrow();
  const child = await owner
    .selectFrom("children")
    .select("id")
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();
  const period = await owner
    .selectFrom("periods")
    .select(["id", "service_id"])
    .where("tenant_id", "=", t.id)
    .where("key", "=", "bambinos-printemps-2027")
    .executeTakeFirstOrThrow();
  serviceId = period.service_id;
  const ctx = { role: "app_parent" as const, tenantId: t.id, userId: user.id, householdId };
  for (const days of [["2027-04-12", "2027-04-13"], ["2027-04-14"]]) {
    const r = await e2e.platform.deps.db.withTenant(ctx, (trx) =>
      book(
        trx,
        {
          tenant,
          actor: { kind: "parent", userId: user.id },
          actorName: "Parent 1",
          householdId,
          now: new Date(),
        },
        { periodId: period.id, childIds: [child.id], days, idempotencyKey: crypto.randomUUID() },
      ),
    );
    const first = await owner
      .selectFrom("bookings")
      .select("id")
      .where("dossier_id", "=", r.dossierId)
      .orderBy("day")
      .executeTakeFirstOrThrow();
    dossiers.push({ number: r.number, bookingId: first.id });
  }
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const statusOf = async (id: string) =>
  (await owner.selectFrom("bookings").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;

describe("staff review of ALSH bookings in a browser (Sennecey)", () => {
  it("accepts one dossier, refuses another by selection, and the parent sees « Acceptée »", {
    timeout: 120_000,
  }, async () => {
    const [accepted, refused] = dossiers as [(typeof dossiers)[0], (typeof dossiers)[0]];
    const staff = await e2e.newPage();
    const s = staff.page;
    await s.goto(e2e.url("senneceylesdijon", "/agents/connexion"));
    await s.getByLabel("Adresse e-mail").fill("admin@senneceylesdijon.test");
    await s.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await s.getByRole("button", { name: "Connexion" }).click();
    await s.getByRole("link", { name: "Réservations à traiter" }).click();
    await h1(s).filter({ hasText: "Réservations à traiter" }).waitFor();
    const card = s.locator("article").filter({ hasText: `Demande de réservation n° ${accepted.number}` });
    expect(await textOf(card)).toContain(
      "ALSH SENNECEY LES DIJON › Vacances journée › vacances printemps bambinos",
    );
    expect(await textOf(card)).toContain("lundi 12 avril 2027");
    await checkA11y(s);

    await card
      .getByRole("button", { name: `Accepter la Demande de réservation n° ${accepted.number}` })
      .click();
    await s.getByRole("status").filter({ hasText: "Les demandes choisies sont acceptées" }).waitFor();
    expect(await statusOf(accepted.bookingId)).toBe("accepted");

    await s.getByLabel(/Sélectionner Enfant 1 .*, mercredi 14 avril 2027/).check();
    await s.getByRole("button", { name: "Refuser la sélection" }).click();
    await s.getByText("Indiquez le motif du refus : il est envoyé à la famille.").waitFor();
    await checkA11y(s);
    expect(await statusOf(refused.bookingId)).toBe("pending");
    await s.locator("#motif-selection").fill("Groupe des 3-5 ans complet");
    await s.getByRole("button", { name: "Refuser la sélection" }).click();
    await s.getByRole("status").filter({ hasText: "Les demandes choisies sont refusées" }).waitFor();
    await s.getByText("Aucune demande de réservation ou d'annulation en attente.").waitFor();
    expect(await statusOf(refused.bookingId)).toBe("refused");

    await s.goto(
      e2e.url("senneceylesdijon", `/agents/planning/occupation?service=${serviceId}&mois=2027-04`),
    );
    await h1(s).filter({ hasText: "Occupation des accueils" }).waitFor();
    await checkA11y(s);
    await s.getByRole("link", { name: "lundi 12 avril 2027" }).click();
    await s.getByRole("heading", { name: "Enfants inscrits" }).waitFor();
    expect(await textOf(s.locator("main"))).toContain("Acceptée");
    await checkA11y(s);

    const parent = await e2e.newPage();
    const p = parent.page;
    await p.goto(e2e.url("senneceylesdijon", "/connexion"));
    await p.getByLabel("Adresse e-mail").fill("parent1.mairie@senneceylesdijon.test");
    await p.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
    await p.getByRole("button", { name: "Connexion" }).click();
    await h1(p).filter({ hasText: "Bienvenue" }).waitFor();
    await p.goto(e2e.url("senneceylesdijon", `/planning/reservations/${accepted.bookingId}`));
    expect(await textOf(p.locator("main"))).toContain("Acceptée");
    await p.goto(e2e.url("senneceylesdijon", `/planning/reservations/${refused.bookingId}`));
    const refusedText = await textOf(p.locator("main"));
    expect(refusedText).toContain("Refusée");
    expectNoPageErrors(staff);
    expectNoPageErrors(parent);
  });
});
