/**
 * Staff « Rechercher un foyer » and the household's whole file (issue 3, items 7 and 9):
 * search by each criterion, the file's content, direct edits applied at once and audited,
 * another town's household (404) and parents (403).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { FILES, upload } from "./documents-fixtures.ts";

const PLOMBIERES = "plombieres.localhost:3000";
const SENNECEY = "senneceylesdijon.localhost:3000";
const IBAN = "FR7630006000011234567890189";

let p: TestPlatform;
let staff: ReturnType<typeof client>;
let ip = 0;

async function login(host: string, identifier: string, base = "") {
  const c = client(p.app, host, { ip: `198.51.100.${++ip}` });
  expect((await c.login(identifier, DEMO_PASSWORD, base)).status).toBe(303);
  return c;
}

const household = (slug: string, number: string) =>
  p.owner
    .selectFrom("households")
    .selectAll()
    .where("tenant_id", "=", p.tenants.get(slug) as string)
    .where("number", "=", number)
    .executeTakeFirstOrThrow();
const dupont = () => household("plombieres", "1001001818331");
const martin = () => household("plombieres", "1001001818332");

beforeAll(async () => {
  p = await createTestPlatform();
  staff = await login(PLOMBIERES, "admin@plombieres.test", "/agents");
});
afterAll(async () => {
  await p?.close();
});

/** The households' names a search lists. */
async function found(q: string) {
  const res = await staff.get(`/agents/foyers?q=${encodeURIComponent(q)}`);
  expect(res.status).toBe(200);
  const html = await res.text();
  return [...html.matchAll(/<a href="\/agents\/foyers\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map((m) => m[1]);
}

describe("« Rechercher un foyer »", () => {
  it("is linked from the staff's home and lists the town's households for an empty search", async () => {
    expect(await (await staff.get("/agents")).text()).toContain('href="/agents/foyers"');
    expect(await found("")).toEqual(["M. et Mme DUPONT", "Mme MARTIN"]);
  });

  it("finds by household or guardian name, whatever the case", async () => {
    expect(await found("dupont")).toEqual(["M. et Mme DUPONT"]);
    expect(await found("JEANNE dupont")).toEqual(["M. et Mme DUPONT"]);
    expect(await found("Martin")).toEqual(["Mme MARTIN"]);
    expect(await found("nobody")).toEqual([]);
  });

  it("finds by N° Famille, whole or in part", async () => {
    expect(await found("1001001818332")).toEqual(["Mme MARTIN"]);
    expect(await found("818331")).toEqual(["M. et Mme DUPONT"]);
  });

  it("finds by a child's first or last name", async () => {
    expect(await found("lucas")).toEqual(["M. et Mme DUPONT"]);
    expect(await found("Lucas DUPONT")).toEqual(["M. et Mme DUPONT"]);
  });

  it("finds by e-mail or identifiant", async () => {
    expect(await found("Sophie.Martin@plombieres.test")).toEqual(["Mme MARTIN"]);
    expect(await found("jdupont")).toEqual(["M. et Mme DUPONT"]);
  });

  it("finds by phone however it is written (spaces, dots, +33)", async () => {
    // The demo household's phone is stored as « 01.02.03.04.05 ».
    for (const q of ["01 02 03 04 05", "0102030405", "+33 1 02 03 04 05", "02.03.04"])
      expect(await found(q), q).toEqual(["M. et Mme DUPONT"]);
  });

  it("ignores accents on either side", async () => {
    const id = (await martin()).id;
    const res = await staff.post(`/agents/foyers/${id}/autre-responsable`, {
      last_name: "Lefèvre",
      first_name: "Éloïse",
    });
    expect(res.status).toBe(303);
    expect(await found("eloise lefevre")).toEqual(["Mme MARTIN"]);
    expect(await found("ÉLOÏSE")).toEqual(["Mme MARTIN"]);
    expect(await found("lefêvre")).toEqual(["Mme MARTIN"]);
  });

  it("answers a search typed as you go with the results alone, the same ones as the page", async () => {
    const part = await staff.get("/agents/foyers?q=dupont", {
      "HX-Request": "true",
      "HX-Request-Type": "partial",
    });
    expect(part.status).toBe(200);
    expect(part.headers.get("Vary")).toContain("HX-Request-Type");
    const html = await part.text();
    expect(html).not.toContain("<h1");
    expect(html).not.toContain("<html");
    expect(html).toContain("1 foyer trouvé");
    expect(html).toContain(">M. et Mme DUPONT</a>");
    const boosted = await staff.get("/agents/foyers?q=dupont", {
      "HX-Request": "true",
      "HX-Request-Type": "full",
    });
    const whole = await boosted.text();
    expect(whole).toContain("<h1>Rechercher un foyer</h1>");
    expect(whole).toContain('<div id="resultats"');
    expect(whole).toContain("1 foyer trouvé");
  });

  it("never finds another town's households", async () => {
    expect(await found("mairie")).toEqual([]);
    expect(await found("1001")).toEqual(["M. et Mme DUPONT", "Mme MARTIN"]);
  });
});

describe("the household's file", () => {
  it("shows identity, guardians, coordinates, children, documents, requests and what is missing", async () => {
    const h = await dupont();
    const parent = await login(PLOMBIERES, "jdupont");
    // A pending request (Plombières sends every change to the town) and a document.
    expect(
      (await parent.post("/foyer/coordonnees", { address_line: "3 rue Neuve", postal_code: "21370" })).status,
    ).toBe(303);
    const pdf = { name: "attestation-caf.pdf", bytes: FILES.pdf, type: "application/pdf" };
    const up = await upload(p, parent, PLOMBIERES, "/documents/depot/foyer", { type: "attestation_qf" }, pdf);
    expect(up.status).toBe(303);
    const doc = await p.owner
      .selectFrom("documents")
      .select("id")
      .where("household_id", "=", h.id)
      .executeTakeFirstOrThrow();
    const lucas = await p.owner
      .selectFrom("children")
      .select("id")
      .where("household_id", "=", h.id)
      .executeTakeFirstOrThrow();

    const res = await staff.get(`/agents/foyers/${h.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of [
      "<h1>M. et Mme DUPONT</h1>",
      "1001001818331",
      "M. Jean DUPONT",
      "Mme Jeanne DUPONT",
      "01.02.03.04.05",
      "Lucas DUPONT",
      "Personnes autorisées",
      "Autorisations",
      "attestation-caf.pdf",
      `href="/agents/documents/${doc.id}/fichier"`,
      "Déposé",
      "Coordonnées, envoyée le",
      'href="/agents/demandes"',
      `<a href="#enfant-${lucas.id}">Médecin traitant (Lucas)</a>`,
      `href="/agents/foyers/${h.id}/coordonnees"`,
      `href="/agents/foyers/${h.id}/informations-fiscales"`,
    ])
      expect(html, text).toContain(text);
  });

  it("shows the bank details masked", async () => {
    const h = await dupont();
    const parent = await login(PLOMBIERES, "jdupont");
    const bank = { iban: IBAN, bic: "AGRIFRPP882", account_holder: "Jean DUPONT", password: DEMO_PASSWORD };
    expect((await parent.post("/foyer/coordonnees-bancaires", bank)).status).toBe(303);
    const request = await p.owner
      .selectFrom("change_requests")
      .select("id")
      .where("household_id", "=", h.id)
      .where("section", "=", "bancaire")
      .where("status", "=", "pending")
      .executeTakeFirstOrThrow();
    expect((await staff.post(`/agents/demandes/${request.id}/accepter`)).status).toBe(303);
    const html = await (await staff.get(`/agents/foyers/${h.id}`)).text();
    expect(html).toContain("FR76 •••• •••• 0189");
    expect(html).not.toContain(IBAN);
  });
});

describe("direct edits by staff", () => {
  const requests = async (householdId: string) =>
    (
      await p.owner
        .selectFrom("change_requests")
        .select("id")
        .where("household_id", "=", householdId)
        .execute()
    ).length;

  it("applies at once in Plombières (no request) and audits the staff member", async () => {
    const h = await dupont();
    const form = await staff.get(`/agents/foyers/${h.id}/coordonnees`);
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expect(formHtml).toContain(`action="/agents/foyers/${h.id}/coordonnees"`);
    expect(formHtml).toContain('value="01.02.03.04.05"');
    const before = await requests(h.id);
    const res = await staff.post(`/agents/foyers/${h.id}/coordonnees`, {
      address_line: h.address_line ?? "",
      postal_code: h.postal_code ?? "",
      city: h.city ?? "",
      phone_main: "06.11.22.33.44",
      phone_other: "",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/agents/foyers/${h.id}?message=enregistre`);
    expect((await dupont()).phone_main).toBe("06 11 22 33 44");
    expect(await requests(h.id)).toBe(before);
    const audit = await p.owner
      .selectFrom("audit_log")
      .selectAll()
      .where("household_id", "=", h.id)
      .where("entity", "=", "households")
      .orderBy("at", "desc")
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: "staff", action: "update", fields: ["phone_main"] });
    const page = await (await staff.get(res.headers.get("location") as string)).text();
    expect(page).toContain("Les modifications ont été appliquées au dossier du foyer.");
    expect(await found("06 11 22 33 44")).toEqual(["M. et Mme DUPONT"]);
  });

  it("edits the fiscal and CAF sections and the main guardian", async () => {
    const h = await dupont();
    const fiscal = { fiscal_income: "23 456,78", tax_shares: "2,5" };
    expect((await staff.post(`/agents/foyers/${h.id}/informations-fiscales`, fiscal)).status).toBe(303);
    const caf = { caf_regime: "MSA", caf_number: "a123", family_quotient: "640", children_count: "1" };
    expect((await staff.post(`/agents/foyers/${h.id}/informations-complementaires`, caf)).status).toBe(303);
    const after = await dupont();
    expect(after).toMatchObject({ fiscal_income_cents: "2345678", caf_regime: "MSA", caf_number: "A123" });
    const me = { civility: "M.", last_name: "Dupont", first_name: "Jean", phone_home: "03 29 00 00 00" };
    expect((await staff.post(`/agents/foyers/${h.id}/responsable`, me)).status).toBe(303);
    const html = await (await staff.get(`/agents/foyers/${h.id}`)).text();
    expect(html).toMatch(/23\s456,78\s€/);
    expect(html).not.toContain("Téléphone domicile (Moi)");
  });

  it("refuses bad input at the field, keeps what was typed and saves nothing", async () => {
    const h = await dupont();
    const res = await staff.post(`/agents/foyers/${h.id}/coordonnees`, {
      city: "Ailleurs",
      phone_main: "123",
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-phone_main-error"');
    expect(html).toContain("Numéro de téléphone invalide");
    expect(html).toContain('value="Ailleurs"');
    expect((await dupont()).city).not.toBe("Ailleurs");
  });

  it("offers no form the staff may not use", async () => {
    const h = await dupont();
    expect((await staff.get(`/agents/foyers/${h.id}/coordonnees-bancaires`)).status).toBe(404);
    expect((await staff.get(`/agents/foyers/${h.id}/constructor`)).status).toBe(404);
  });
});

describe("isolation", () => {
  it("answers 404 for another town's household or an id that is not one", async () => {
    const other = await household("senneceylesdijon", "1001");
    expect((await staff.get(`/agents/foyers/${other.id}`)).status).toBe(404);
    expect((await staff.get(`/agents/foyers/${other.id}/coordonnees`)).status).toBe(404);
    const res = await staff.post(`/agents/foyers/${other.id}/coordonnees`, { city: "Plombières" });
    expect(res.status).toBe(404);
    expect((await household("senneceylesdijon", "1001")).city).toBe(other.city);
    expect((await staff.get("/agents/foyers/1234")).status).toBe(404);
    expect((await staff.get("/agents/foyers/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("forbids parents (403) and sends the anonymous to the staff login", async () => {
    const h = await dupont();
    const parent = await login(PLOMBIERES, "jdupont");
    expect((await parent.get("/agents/foyers?q=dupont")).status).toBe(403);
    expect((await parent.get(`/agents/foyers/${h.id}`)).status).toBe(403);
    expect((await parent.post(`/agents/foyers/${h.id}/coordonnees`, { city: "X" })).status).toBe(403);
    const anonymous = client(p.app, SENNECEY);
    const res = await anonymous.get("/agents/foyers");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/agents/connexion");
  });
});

describe("pages", () => {
  it("shows twenty households a page, with links to the other pages", { timeout: 60_000 }, async () => {
    for (let i = 1; i <= 21; i++) {
      const n = String(i).padStart(2, "0");
      const family = {
        household_name: `Famille PAGE ${n}`,
        civility: "Mme",
        first_name: "Anne",
        last_name: `PAGE${n}`,
        login: `page${n}`,
        email: "",
      };
      expect((await staff.post("/agents/familles/nouvelle", family)).status).toBe(200);
    }
    const first = await staff.get("/agents/foyers?q=famille+page");
    const html = await first.text();
    expect(html).toContain("21 foyers trouvés – page 1 sur 2");
    expect((await found("famille page")).length).toBe(20);
    expect(html).toContain('href="/agents/foyers?q=famille+page&amp;page=2" rel="next"');
    const second = await (await staff.get("/agents/foyers?q=famille+page&page=2")).text();
    expect(second).toContain("Famille PAGE 21");
    expect(second).not.toContain("Famille PAGE 20");
    expect(second).toContain('rel="prev"');
  });
});
