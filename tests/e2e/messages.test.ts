import type { Kysely } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/db/types.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import {
  checkA11y,
  type E2E,
  type E2EPage,
  expectNoPageErrors,
  startE2E,
  textOf,
} from "../helpers/browser.ts";
import { ownerDb } from "../helpers/db.ts";
import { generateBookings } from "../helpers/planning-generator.ts";

// Issue 14 in a browser: a Plombières parent (menu-bar layout) writes to the town with an
// attachment and reads the staff's reply; staff broadcast to the families booked next
// Wednesday; an « Actualité » shows on the public page until its end date. axe on every page.

let e2e: E2E;
let owner: Kysely<DB>;
const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

beforeAll(async () => {
  e2e = await startE2E();
  owner = ownerDb(e2e.platform.ownerUrl, 1);
}, 120_000);
afterAll(async () => {
  await owner?.destroy();
  await e2e?.close();
});

const h1 = (page: Page) => page.locator("main h1");
const paris = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(d);

async function parentIn(): Promise<E2EPage> {
  const p = await e2e.newPage();
  await p.page.goto(e2e.url("plombieres", "/connexion"));
  await p.page.getByLabel("Identifiant").fill("jdupont");
  await p.page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await p.page.getByRole("button", { name: "Connexion" }).click();
  await h1(p.page).filter({ hasText: "Bienvenue" }).waitFor();
  return p;
}

async function staffIn(): Promise<E2EPage> {
  const s = await e2e.newPage();
  await s.page.goto(e2e.url("plombieres", "/agents/connexion"));
  await s.page.getByLabel("Adresse e-mail").fill("agent@plombieres.test");
  await s.page.getByLabel("Mot de passe").fill(DEMO_PASSWORD);
  await s.page.getByRole("button", { name: "Connexion" }).click();
  await s.page.getByRole("link", { name: "Messagerie" }).waitFor();
  return s;
}

describe("« Boîte de réception » in a browser (Plombières)", () => {
  it("a parent writes with an attachment, staff reply, the parent sees « 1 Nouveau(x) Message(s) » and reads it", {
    timeout: 120_000,
  }, async () => {
    const parent = await parentIn();
    const p = parent.page;
    await checkA11y(p);
    await p
      .getByRole("navigation", { name: "Menu principal" })
      .getByRole("link", { name: "Boîte de réception" })
      .click();
    await h1(p).filter({ hasText: "Boîte de réception" }).waitFor();
    await checkA11y(p);
    await p.getByRole("button", { name: "Nous contacter" }).click();
    await h1(p).filter({ hasText: "Nouveau message" }).waitFor();
    await p.getByLabel("Objet").fill("Certificat médical de Lucas");
    await p.getByLabel("Service concerné").selectOption("ALSH");
    await p.getByLabel("Message").fill("Bonjour, voici le certificat.");
    await p
      .getByLabel("Pièces jointes")
      .setInputFiles({ name: "certificat.pdf", mimeType: "application/pdf", buffer: PDF });
    await checkA11y(p);
    await p.getByRole("button", { name: "Envoyer" }).click();
    await p.getByRole("status").filter({ hasText: "Votre message a été envoyé" }).waitFor();
    await checkA11y(p);

    const staff = await staffIn();
    const s = staff.page;
    await s.getByRole("link", { name: "Messagerie" }).click();
    await h1(s).filter({ hasText: "Messagerie" }).waitFor();
    await checkA11y(s);
    await s.getByRole("link", { name: "Certificat médical de Lucas" }).click();
    await s.getByRole("link", { name: "certificat.pdf" }).waitFor();
    await s.getByLabel("Votre réponse").fill("Merci, c'est bien reçu.");
    await s.getByRole("button", { name: "Envoyer la réponse" }).click();
    await s.getByRole("status").filter({ hasText: "Votre réponse a été envoyée" }).waitFor();
    await s.getByRole("button", { name: "Marquer traité" }).click();
    await s.getByRole("status").filter({ hasText: "« traité »" }).waitFor();
    await checkA11y(s);

    await p.goto(e2e.url("plombieres", "/"));
    expect(await textOf(p.locator(".welcome-line"))).toContain("vous avez 1 Nouveau(x) Message(s)");
    await p.getByRole("link", { name: "1 Nouveau(x) Message(s)" }).click();
    await h1(p).filter({ hasText: "Boîte de réception" }).waitFor();
    await p.getByRole("link", { name: "Certificat médical de Lucas" }).click();
    expect(await textOf(p.locator(".conversation"))).toContain("Merci, c'est bien reçu.");
    expect(await textOf(p.locator(".welcome-line"))).toContain("vous avez 0 Nouveau(x) Message(s)");
    await checkA11y(p);
    await p.getByRole("link", { name: "Accueil", exact: true }).click();
    await p.getByRole("heading", { name: "Opérations en cours" }).waitFor();
    await p.getByRole("link", { name: "Infos./Documents" }).click();
    await h1(p).filter({ hasText: "Infos / Documents" }).waitFor();
    await p.getByRole("link", { name: "Fiche sanitaire de liaison" }).waitFor();
    await checkA11y(p);
    await p.setViewportSize({ width: 375, height: 740 });
    for (const path of ["/messages", "/messages/nouveau"]) {
      await p.goto(e2e.url("plombieres", path));
      const { scroll, client } = await p.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(scroll, `${path} scrolls sideways at 375 px`).toBeLessThanOrEqual(client);
    }
    expectNoPageErrors(parent);
    expectNoPageErrors(staff);
  });

  it("staff broadcast to the families booked next Wednesday: only those receive it", {
    timeout: 120_000,
  }, async () => {
    const town = await owner
      .selectFrom("tenants")
      .select("id")
      .where("slug", "=", "plombieres")
      .executeTakeFirstOrThrow();
    const dupont = await owner
      .selectFrom("households as h")
      .innerJoin("users as u", "u.household_id", "h.id")
      .innerJoin("children as c", "c.household_id", "h.id")
      .select(["h.id as householdId", "u.id as userId", "c.id as childId", "h.number"])
      .where("u.login", "=", "jdupont")
      .executeTakeFirstOrThrow();
    const period = await owner
      .selectFrom("periods")
      .select(["id", "service_id as serviceId"])
      .where("tenant_id", "=", town.id)
      .where("key", "=", "mercredi-journee-2026-2027")
      .executeTakeFirstOrThrow();
    const now = new Date();
    const wednesday = paris(new Date(now.getTime() + ((3 - now.getDay() + 7) % 7 || 7) * 86_400_000));
    await generateBookings(owner, town.id, period, [dupont], [wednesday]);

    const staff = await staffIn();
    const s = staff.page;
    await s.goto(e2e.url("plombieres", "/agents/diffusion"));
    await h1(s).filter({ hasText: "Diffusion" }).waitFor();
    await checkA11y(s);
    await s.getByLabel("Les foyers dont un enfant est réservé").check();
    await s.getByLabel("Service réservé").selectOption({ label: "ALSH Mercredi journée" });
    await s.getByLabel("Le (ou du)").fill(wednesday);
    await s.getByLabel("Objet").fill("Sortie annulée mercredi");
    await s.getByLabel("Service concerné").selectOption("ALSH");
    await s.getByLabel("Message").fill("La sortie à la ferme est annulée.");
    await s.getByRole("button", { name: "Voir le nombre de destinataires" }).click();
    await s.getByRole("status").filter({ hasText: "1 foyer recevra ce message" }).waitFor();
    await checkA11y(s);
    await s.getByRole("button", { name: "Envoyer à 1 foyer" }).click();
    await s.getByRole("status").filter({ hasText: "envoyé à 1 foyer" }).waitFor();
    expect(await textOf(s.locator("main table"))).toContain("Sortie annulée mercredi");
    await checkA11y(s);

    const reached = await owner
      .selectFrom("message_threads")
      .select("household_id")
      .where("subject", "=", "Sortie annulée mercredi")
      .execute();
    expect(reached).toEqual([{ household_id: dupont.householdId }]);
    const parent = await parentIn();
    await parent.page.goto(e2e.url("plombieres", "/messages"));
    await parent.page.getByRole("link", { name: "Sortie annulée mercredi" }).click();
    expect(await textOf(parent.page.locator(".conversation"))).toContain("La sortie à la ferme est annulée.");
    await checkA11y(parent.page);
    expectNoPageErrors(parent);
    expectNoPageErrors(staff);
  });

  it("an « Actualité » shows on the public page, then leaves it after its end date", {
    timeout: 120_000,
  }, async () => {
    const staff = await staffIn();
    const s = staff.page;
    await s.getByRole("link", { name: "Actualités" }).click();
    await h1(s).filter({ hasText: "Actualités" }).waitFor();
    await checkA11y(s);
    await s.getByLabel("Titre").fill("Inscriptions ALSH d'été");
    await s.getByLabel("Texte").fill("Les inscriptions ouvrent **lundi**.");
    await s.getByLabel("Tout le monde").check();
    await s.getByLabel("Publier à partir du").fill("2026-11-01");
    await s.getByLabel("Jusqu'au (facultatif)").fill(paris(new Date()));
    await s.getByRole("button", { name: "Publier" }).click();
    await s.getByRole("status").filter({ hasText: "L'actualité est enregistrée" }).waitFor();

    const visitor = await e2e.newPage();
    const v = visitor.page;
    await v.goto(e2e.url("plombieres"));
    await v.getByRole("heading", { name: "Inscriptions ALSH d'été" }).waitFor();
    expect(await v.locator(".news-list strong").first().textContent()).toBe("lundi");
    await checkA11y(v);

    await s.getByRole("link", { name: "Inscriptions ALSH d'été" }).click();
    await checkA11y(s);
    await s.getByLabel("Jusqu'au (facultatif)").fill(paris(new Date(Date.now() - 86_400_000)));
    await s.getByRole("button", { name: "Enregistrer" }).click();
    await s.getByRole("status").filter({ hasText: "L'actualité est enregistrée" }).waitFor();
    await v.reload();
    await h1(v).filter({ hasText: "Bienvenue sur votre Portail Famille" }).waitFor();
    expect(await v.getByRole("heading", { name: "Inscriptions ALSH d'été" }).count()).toBe(0);
    await s.goto(e2e.url("plombieres", "/agents/infos"));
    await s.getByLabel("Titre").fill("Horaires de l'accueil");
    await s.getByLabel("Texte").fill("Ouvert de 7 h 30 à 18 h 30.");
    await s.getByRole("button", { name: "Créer la page" }).click();
    await s.getByRole("link", { name: "Horaires de l'accueil" }).waitFor();
    await checkA11y(s);
    expectNoPageErrors(staff);
    expectNoPageErrors(visitor);
  });
});
