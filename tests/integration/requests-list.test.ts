/**
 * « Liste des demandes » (Plombières, every change is a request): the household's requests of
 * the last month by state, filtered by type, sensitive values masked, withdrawal, and the
 * fences (another household's request is 404, parents never reach « Demandes à traiter »).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { type Account, account, decide, request, requestStatus } from "../helpers/requests-fixture.ts";

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let tenant: Tenant;
let dupont: Account;
let martin: Account;
let staffId: string;
let parent: ReturnType<typeof client>;
let ip = 0;

beforeAll(async () => {
  p = await createTestPlatform();
  const site = await p.deps.sites.resolve(HOST);
  if (site.kind !== "tenant") throw new Error("no Plombières");
  tenant = site.tenant;
  dupont = await account(p, tenant, "jdupont");
  martin = await account(p, tenant, "smartin");
  staffId = (await account(p, tenant, "admin@plombieres.test")).userId;
  parent = client(p.app, HOST, { ip: `192.0.2.${++ip}` });
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
});
afterAll(async () => {
  await p?.close();
});

describe("« Liste des demandes »", () => {
  let address: string;
  let fiscal: string;
  let child: string;
  let old: string;

  beforeAll(async () => {
    old = await request(p, tenant, dupont, "caf", { caf_number: "0000001" });
    await p.owner
      .updateTable("change_requests")
      .set({ created_at: new Date(Date.now() - 40 * 86_400_000) })
      .where("id", "=", old)
      .execute();
    address = await request(p, tenant, dupont, "coordonnees", {
      address_line: "3 rue des Lilas",
      city: "PLOMBIÈRES",
    });
    fiscal = await request(p, tenant, dupont, "fiscal", { tax_shares: 2.5 });
    await request(p, tenant, dupont, "bancaire", {
      iban: "FR7630006000011234567890189",
      account_holder: "DUPONT JEAN",
    });
    child = await request(p, tenant, dupont, "ajout_enfant", {
      first_name: "Léa",
      last_name: "DUPONT",
      birth_date: "2020-03-04",
    });
    await decide(p, tenant, staffId, fiscal, { accept: true });
    await decide(p, tenant, staffId, address, { accept: false, reason: "Justificatif de domicile manquant" });
  });

  it("shows the last month's requests of « Mon compte » by state, with dates and the refusal reason", async () => {
    const res = await parent.get("/demandes");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>Liste des demandes</h1>");
    for (const h of ["Demandes en attente", "Demandes refusées", "Demandes acceptées"])
      expect(html).toContain(h);
    expect(html).toContain("Justificatif de domicile manquant");
    expect(html).toContain("3 rue des Lilas");
    // In the section's order (Adresse before Ville), not jsonb's (shorter keys first).
    expect(html.indexOf("<strong>Adresse</strong>")).toBeGreaterThan(-1);
    expect(html.indexOf("<strong>Adresse</strong>")).toBeLessThan(html.indexOf("<strong>Ville</strong>"));
    expect(html).toContain("Informations fiscales");
    expect(html).toContain(new Intl.DateTimeFormat("fr-FR", { timeZone: "Europe/Paris" }).format(new Date()));
    expect(html).not.toContain("0000001");
    expect(html).not.toContain("Léa");
  });

  it("masks bank values for the parent", async () => {
    const html = await (await parent.get("/demandes?type=bancaire")).text();
    expect(html).toContain("Informations bancaires");
    expect(html).toContain("Information masquée");
    expect(html).not.toContain("FR7630006000011234567890189");
    expect(html).not.toContain("DUPONT JEAN");
  });

  it("filters by type, and « Mes enfants » lists the child sections", async () => {
    const fiscalOnly = await (await parent.get("/demandes?groupe=compte&type=fiscal")).text();
    expect(fiscalOnly).toContain("Nombre de parts");
    expect(fiscalOnly).not.toContain("3 rue des Lilas");
    expect(fiscalOnly).toMatch(/href="\/demandes\?groupe=compte&amp;type=fiscal" aria-current="page"/);
    const children = await (await parent.get("/demandes?groupe=enfants")).text();
    expect(children).toContain("Léa");
    expect(children).not.toContain("3 rue des Lilas");
    for (const label of ["Autorisations", "Données complémentaires", "Données sanitaires"])
      expect(children).toContain(`>${label}</a>`);
    const account = await (await parent.get("/demandes")).text();
    for (const label of ["Informations responsable", "Informations conjoint", "Informations CAF"])
      expect(account).toContain(`>${label}</a>`);
  });

  it("withdraws a pending request: back to a local path only, then « Retirée »", async () => {
    const back = await parent.post(`/demandes/${child}/retirer`, { back: "/enfants" });
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe("/enfants");
    expect(await requestStatus(p, child)).toBe("withdrawn");
    const html = await (await parent.get("/demandes?groupe=enfants")).text();
    expect(html).toContain("Demandes retirées");

    const again = await request(p, tenant, dupont, "ajout_enfant", {
      first_name: "Léo",
      last_name: "DUPONT",
      birth_date: "2021-01-01",
    });
    const evil = await parent.post(`/demandes/${again}/retirer`, { back: "//evil.test/x" });
    expect(evil.headers.get("location")).toBe("/demandes?message=demande-retiree");
    expect(await (await parent.get("/demandes?message=demande-retiree")).text()).toContain(
      "Votre demande a été retirée.",
    );
  });

  it("a decided request cannot be withdrawn", async () => {
    expect((await parent.post(`/demandes/${fiscal}/retirer`)).status).toBe(404);
    expect(await requestStatus(p, fiscal)).toBe("accepted");
  });
});

describe("fences", () => {
  it("another household's request id is 404, and it stays pending", async () => {
    // A city found nowhere in the DUPONT household (whose demo address is in PLOMBIÈRES-LÈS-DIJON).
    const theirs = await request(p, tenant, martin, "coordonnees", { city: "CHENOVE" });
    const res = await parent.post(`/demandes/${theirs}/retirer`);
    expect(res.status).toBe(404);
    expect(await requestStatus(p, theirs)).toBe("pending");
    expect(await (await parent.get("/demandes")).text()).not.toContain("CHENOVE");
    expect((await parent.post("/demandes/not-a-uuid/retirer")).status).toBe(404);
  });

  it("parents never reach « Demandes à traiter »", async () => {
    const theirs = await request(p, tenant, martin, "coordonnees", { city: "TALANT" });
    expect((await parent.get("/agents/demandes")).status).toBe(403);
    expect((await parent.post(`/agents/demandes/${theirs}/accepter`)).status).toBe(403);
    expect((await parent.post(`/agents/demandes/${theirs}/refuser`, { reason: "x" })).status).toBe(403);
    expect(await requestStatus(p, theirs)).toBe("pending");
    const anonymous = client(p.app, HOST);
    expect((await anonymous.get("/demandes")).headers.get("location")).toMatch(/^\/connexion/);
    expect((await anonymous.get("/agents/demandes")).headers.get("location")).toBe("/agents/connexion");
  });
});
