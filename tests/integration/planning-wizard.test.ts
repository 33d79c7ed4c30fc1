import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// « Nouvelle réservation », steps 1 to 4 (GET only: nothing is written here).

const SENE = "sene.localhost:3000";
const SENNECEY = "senneceylesdijon.localhost:3000";
let p: TestPlatform;
let paul: string;
let emma: string;
let mercredis: string;
let enfant1: string;

beforeAll(async () => {
  p = await createTestPlatform();
  const household = await completeFile(p, "sene", "1001");
  const kids = await p.owner
    .selectFrom("children")
    .select(["id", "first_name", "household_id"])
    .where("first_name", "in", ["Paul", "Emma-Rose", "Enfant 1"])
    .execute();
  paul = kids.find((k) => k.first_name === "Paul" && k.household_id === household)?.id as string;
  emma = kids.find((k) => k.first_name === "Emma-Rose")?.id as string;
  enfant1 = kids.find((k) => k.first_name === "Enfant 1")?.id as string;
  mercredis = await periodId("sene", "mercredi-pompidou-2026-2027");
}, 120_000);
afterAll(() => p?.close());
afterEach(() => p.setNow(null));

async function periodId(slug: string, key: string) {
  const row = await p.owner
    .selectFrom("periods")
    .innerJoin("tenants", "tenants.id", "periods.tenant_id")
    .select("periods.id")
    .where("tenants.slug", "=", slug)
    .where("periods.key", "=", key)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function lola() {
  const c = client(p.app, SENE);
  expect((await c.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
  return c;
}

const q = (entries: [string, string][]) => new URLSearchParams(entries).toString();
const both = () =>
  [
    ["enfants", paul],
    ["enfants", emma],
  ] as [string, string][];

describe("step 1 « Sélectionner l'usager »", () => {
  it("lists the household's children with their age, the stepper on step 1", async () => {
    const c = await lola();
    const res = await c.get("/planning/reserver");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(
      /aria-current="step"><span class="step-num" aria-hidden="true">1<\/span> Sélectionner l&#39;usager/,
    );
    expect(html).toMatch(/value="[^"]+"> Paul TEST \(\d+ ans\)/);
    expect(html).toContain("Emma-Rose TEST");
    expect(html).toContain('action="/planning/reserver/etablissement"');
  });

  it("asks for a parent's login", async () => {
    const res = await client(p.app, SENE).get("/planning/reserver");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/connexion/);
  });

  it("keeps the agenda's period and day for the next steps", async () => {
    const c = await lola();
    const html = await (
      await c.get(`/planning/reserver?enfant=${paul}&periode=${mercredis}&jour=2027-01-13`)
    ).text();
    expect(html).toContain(`name="periode" value="${mercredis}"`);
    expect(html).toContain('name="jours" value="2027-01-13"');
    expect(html).toMatch(new RegExp(`value="${paul}" checked`));
  });
});

describe("step 2 « Choix établissement et période »", () => {
  it("offers établissement › catégorie › service › période for the chosen children", async () => {
    const c = await lola();
    const res = await c.get(`/planning/reserver/etablissement?${q(both())}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("CENTRE AERE MERCREDI");
    expect(html).toContain("MERCREDI POMPIDOU B ELEMENTAIRE / 2026-2027");
    expect(html).toContain(`id="periode-${mercredis}" name="periode" value="${mercredis}">`);
    expect(html).not.toContain("Réservation impossible");
  });

  it("says which periods a chosen child may not use, disabled", async () => {
    await p.owner.updateTable("children").set({ class_level: "GS" }).where("id", "=", emma).execute();
    try {
      const c = await lola();
      const html = await (await c.get(`/planning/reserver/etablissement?${q(both())}`)).text();
      expect(html).toContain(`value="${mercredis}" disabled aria-describedby="pourquoi-${mercredis}"`);
      expect(html).toContain("Non disponible : Réservé aux classes CP, CE1, CE2, CM1, CM2 (Emma-Rose)");
      const step3 = await c.get(`/planning/reserver/planning?${q([...both(), ["periode", mercredis]])}`);
      expect(step3.status).toBe(422);
      expect(await step3.text()).toContain('id="periode-error">Réservé aux classes');
    } finally {
      await p.owner.updateTable("children").set({ class_level: "CE1" }).where("id", "=", emma).execute();
    }
  });

  it("refuses no child (422), a foreign or forged child (404)", async () => {
    const c = await lola();
    const none = await c.get("/planning/reserver/etablissement");
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('id="enfants-error">Choisissez au moins un enfant.');
    expect((await c.get(`/planning/reserver/etablissement?enfants=${enfant1}`)).status).toBe(404);
    expect((await c.get("/planning/reserver/etablissement?enfants=paul")).status).toBe(404);
    expect((await c.get(`/planning/reserver/planning?enfants=${enfant1}&periode=${mercredis}`)).status).toBe(
      404,
    );
  });

  it("stops an incomplete file with the missing items as links (Sennecey guide)", async () => {
    const c = client(p.app, SENNECEY);
    await c.login("parent1.mairie@senneceylesdijon.test", DEMO_PASSWORD);
    const html = await (await c.get(`/planning/reserver/etablissement?enfants=${enfant1}`)).text();
    expect(html).toContain(
      "Réservation impossible : formulaire utilisateur incomplet. Merci de renseigner les informations manquantes.",
    );
    expect(html).toContain('<a href="/profil">Profession (Moi)</a>');
    expect(html).toContain(`<a href="/enfants/${enfant1}">Classe (Enfant 1)</a>`);
    expect(html).not.toContain('name="periode"');
  });
});

describe("step 3 « Planning »", () => {
  const sel = () => [...both(), ["periode", mercredis]] as [string, string][];

  it("shows the period month by month, each day saying whether and why", async () => {
    p.setNow(new Date("2026-12-01T08:00:00Z"));
    const c = await lola();
    const res = await c.get(`/planning/reserver/planning?${q([...sel(), ["jours", "2026-12-16"]])}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<caption>Décembre 2026</caption>");
    expect(html).toContain("<caption>Juin 2027</caption>");
    expect(html).not.toContain("<caption>Novembre 2026</caption>");
    expect(html).toMatch(
      /value="2026-12-09" aria-label="mercredi 9 décembre 2026"><span class="day-num" aria-hidden="true">9<\/span>/,
    );
    expect(html).toContain('value="2026-12-16" checked');
    expect(html).toMatch(
      /<span class="day-num">2<\/span>\s*<span class="day-note" id="note-2026-12-02">Trop tard/,
    );
    expect(html).toContain('id="note-2026-12-23">Vacances scolaires');
    expect(html).toContain('id="note-2026-12-08">Fermé');
    expect(html).toContain(
      "Vous devez réserver au minimum 2 jour(s) ouvré(s) avant la date souhaitée. Heure limite : 12:00.",
    );
    expect(html).toContain("mercredi 16 décembre 2026</li>");
  });

  it("answers htmx with « Sélection en cours » alone as days are ticked, the whole step without it", async () => {
    p.setNow(new Date("2026-12-01T08:00:00Z"));
    const c = await lola();
    const path = `/planning/reserver/planning?${q([...sel(), ["jours", "2026-12-16"], ["jours", "2027-01-06"]])}`;
    const part = await c.get(path, { "HX-Request": "true", "HX-Request-Type": "partial" });
    expect(part.status).toBe(200);
    expect(part.headers.get("vary")).toContain("HX-Request-Type");
    const html = await part.text();
    expect(html).toContain("<span data-selection-count>2</span> jour(s) sélectionné(s)");
    expect(html).toContain("<li>mercredi 16 décembre 2026</li>");
    expect(html).toContain("<li>mercredi 6 janvier 2027</li>");
    expect(html).not.toContain("<h1");
    expect(html).not.toContain("<caption>");
    const full = await (await c.get(path)).text();
    expect(full).toContain("<h1");
    expect(full).toContain('id="wizard-selection" data-selection-summary aria-live="polite"');
    expect(full).toContain("<span data-selection-count>2</span> jour(s) sélectionné(s)");
    expect(full).toContain('hx-get="/planning/reserver/planning"');
  });

  it("« Recopier la sélection » adds the chosen weekdays from date to date", async () => {
    p.setNow(new Date("2026-12-01T08:00:00Z"));
    const c = await lola();
    const recopy: [string, string][] = [
      ["du", "2027-01-01"],
      ["au", "2027-01-31"],
      ["semaine", "3"],
      ["recopier", "1"],
    ];
    const html = await (await c.get(`/planning/reserver/planning?${q([...sel(), ...recopy])}`)).text();
    for (const d of ["2027-01-06", "2027-01-13", "2027-01-20", "2027-01-27"])
      expect(html).toContain(`value="${d}" checked`);
    expect(html).not.toContain('value="2027-02-03" checked');
    expect(html).toContain("4 jour(s) ajouté(s) à la sélection");
  });

  it("refuses a malformed recopie with the message at its field (422)", async () => {
    const c = await lola();
    const bad: [string, string][] = [
      ["du", "2027-02-31"],
      ["au", "2027-01-31"],
      ["recopier", "1"],
      ["jours", "2027-03-17"],
    ];
    const res = await c.get(`/planning/reserver/planning?${q([...sel(), ...bad])}`);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-du-error">Indiquez une date de début valide.');
    expect(html).toContain('id="f-semaine-error">Cochez au moins un jour de la semaine.');
    expect(html).toContain('value="2027-03-17" checked');
    expect(html).toContain('name="semaine" value="3"> Mercredi');
  });
});

describe("step 4 « Récapitulatif »", () => {
  const sel = () => [...both(), ["periode", mercredis]] as [string, string][];

  it("lists who, which days and the status each will get, with a one-time key", async () => {
    p.setNow(new Date("2026-12-01T08:00:00Z"));
    const c = await lola();
    const res = await c.get(
      `/planning/reserver/recapitulatif?${q([...sel(), ["jours", "2027-01-13"], ["jours", "2027-01-06"]])}`,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<caption>Paul TEST – 2 jour(s)</caption>");
    // Priced as the invoicing run will: no QF proof, outside Séné (the fixture's Dijon address),
    // the second child of the same Wednesday 10 % off.
    expect(html).toContain(
      "<tr><td>mercredi 6 janvier 2027</td><td>Acceptée dès la validation</td><td>11,50\u00a0€</td></tr>",
    );
    expect(html).toContain("<caption>Emma-Rose TEST – 2 jour(s)</caption>");
    expect(html).toContain("<td>10,35\u00a0€</td>");
    expect(html).toContain("Total estimé : 43,70\u00a0€");
    expect(html).toContain("Montant à régler en ligne à la réservation.");
    // Each price says how it was found.
    expect(html).toContain(
      "Foyer domicilié hors de la commune : tarif non-résident (11,50\u00a0€ par jour).",
    );
    expect(html).toContain(
      "Réduction fratrie : 10 % sur le prix du deuxième enfant et des suivants le même jour.",
    );
    expect(html).toMatch(/name="cle" value="[0-9a-f-]{36}"/);
    expect(html).toContain('action="/planning/reserver/valider"');
  });

  it.each([
    ["2026-02-30", "Une des dates choisies n&#39;est pas valide."],
    ["2027-07-07", "mercredi 7 juillet 2027 : Hors période."],
    ["2026-12-08", "mardi 8 décembre 2026 : Fermé."],
    ["2026-12-02", "mercredi 2 décembre 2026 : Trop tard"],
  ])("sends %s back to the planning with the problem (422)", async (day, message) => {
    p.setNow(new Date("2026-12-01T08:00:00Z"));
    const c = await lola();
    const res = await c.get(`/planning/reserver/recapitulatif?${q([...sel(), ["jours", day]])}`);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<div class="form-error" role="alert">');
    expect(html).toContain(message);
    expect(html).toMatch(/aria-current="step"><span class="step-num" aria-hidden="true">3<\/span> Planning/);
  });
});
