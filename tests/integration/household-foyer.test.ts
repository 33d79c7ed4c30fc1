/**
 * « Mon foyer » (issue 3, item 2): « Autre responsable », the household's coordinates, CAF,
 * fiscal and bank sections; each bad input; the audit; Plombières' request mode.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { PLOMBIERES, parentSignIns, SENE, SENNECEY } from "../helpers/household-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const IBAN = "FR7630006000011234567890189";
const BIC = "AGRIFRPP882";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const parent = parentSignIns("203.0.113.");
const household = (slug: string, number = "1001") =>
  p.owner
    .selectFrom("households")
    .selectAll()
    .where("tenant_id", "=", p.tenants.get(slug) as string)
    .where("number", "=", number)
    .executeTakeFirstOrThrow();
const partner = async (slug: string, number = "1001") =>
  p.owner
    .selectFrom("guardians")
    .selectAll()
    .where("household_id", "=", (await household(slug, number)).id)
    .where("rank", "=", 2)
    .executeTakeFirst();
const auditOf = async (slug: string, entity: string) =>
  p.owner
    .selectFrom("audit_log")
    .selectAll()
    .where("household_id", "=", (await household(slug)).id)
    .where("entity", "=", entity)
    .orderBy("at", "desc")
    .execute();

describe("« Mon foyer »", () => {
  it("shows « Moi », « Autre responsable », the N° Famille and every section", async () => {
    const c = await parent(p, SENNECEY, "parent1.mairie@senneceylesdijon.test");
    const res = await c.get("/foyer");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of [
      "<h1>Mon foyer</h1>",
      "N° Famille : <strong>1001</strong>",
      "<h2>Moi</h2>",
      "Parent 1 MAIRIE",
      "<h2>Autre responsable</h2>",
      "Mme Parent 2 MAIRIE",
      "<h2>Coordonnées</h2>",
      "<h2>Informations complémentaires</h2>",
      "<h2>Informations fiscales</h2>",
      "<h2>Coordonnées bancaires</h2>",
    ])
      expect(html).toContain(text);
  });

  it("adds, edits and removes the other guardian", async () => {
    // Séné's Famille TEST has no « Autre responsable » in the demo data.
    const c = await parent(p, SENE, "lola.test@sene.test");
    expect(await partner("sene")).toBeUndefined();
    expect(await (await c.get("/foyer")).text()).toContain("Ajouter un autre responsable");
    const add = await c.post("/foyer/autre-responsable", {
      civility: "M.",
      last_name: "test",
      first_name: "Marc",
    });
    expect(add.headers.get("location")).toBe("/foyer?message=enregistre");
    expect(await partner("sene")).toMatchObject({
      last_name: "TEST",
      first_name: "Marc",
      user_id: null,
    });
    expect(await (await c.get("/foyer")).text()).toContain("M. Marc TEST");

    const form = await (await c.get("/foyer/autre-responsable")).text();
    expect(form).toContain('value="Marc"');
    const edit = await c.post("/foyer/autre-responsable", {
      civility: "M.",
      last_name: "TEST",
      first_name: "Marc",
      email: "Marc.Test@Exemple.test",
      phone_mobile: "0611223344",
    });
    expect(edit.headers.get("location")).toBe("/foyer?message=enregistre");
    expect(await partner("sene")).toMatchObject({
      email: "marc.test@exemple.test",
      phone_mobile: "06 11 22 33 44",
    });

    const bad = await c.post("/foyer/autre-responsable", {
      last_name: "TEST",
      first_name: "M",
      email: "pas-une-adresse",
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Adresse e-mail invalide.");
    expect((await partner("sene"))?.first_name).toBe("Marc");

    expect((await c.post("/foyer/autre-responsable/supprimer")).status).toBe(303);
    expect(await partner("sene")).toBeUndefined();
    const actions = (await auditOf("sene", "guardians")).map((a) => a.action);
    expect(actions.sort()).toEqual(["create", "update", "update"]);
  });

  it("saves the household's coordinates and rejects a malformed phone or postal code", async () => {
    const c = await parent(p, SENE, "lola.test@sene.test");
    const ok = await c.post("/foyer/coordonnees", {
      address_line: "15 rue de la Surveillance",
      postal_code: "56860",
      city: "Séné",
      phone_main: "02 97 00 00 02",
    });
    expect(ok.status).toBe(303);
    expect(await household("sene")).toMatchObject({
      postal_code: "56860",
      phone_main: "02 97 00 00 02",
      phone_other: null,
    });
    for (const [field, value, message] of <[string, string, string][]>[
      ["postal_code", "56 860", "Code postal invalide"],
      ["phone_other", "12345", "Numéro de téléphone invalide"],
      ["city", "x".repeat(101), "100 caractères au maximum."],
    ]) {
      const res = await c.post("/foyer/coordonnees", { city: "Vannes", [field]: value });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(message);
    }
    expect((await household("sene")).city).toBe("Séné");
  });

  it("saves the CAF information and checks the numbers", async () => {
    const c = await parent(p, SENNECEY, "parent1.mairie@senneceylesdijon.test");
    const form = {
      caf_regime: "CAF",
      caf_number: "1234567",
      family_quotient: "850",
      children_count: "2",
      dependent_children: "2",
    };
    expect((await c.post("/foyer/informations-complementaires", form)).status).toBe(303);
    expect(await household("senneceylesdijon")).toMatchObject({
      caf_regime: "CAF",
      caf_number: "1234567",
      family_quotient: 850,
      children_count: 2,
      dependent_children: 2,
    });
    const page = await (await c.get("/foyer")).text();
    expect(page).toContain("1234567");
    for (const [field, value, message] of <[string, string, string][]>[
      ["dependent_children", "3", "plus d&#39;enfants à charge"],
      ["children_count", "deux", "Nombre invalide"],
      ["caf_number", "12-34", "Lettres et chiffres seulement."],
      ["caf_regime", "CNAF", "Choisissez une valeur de la liste."],
      ["caf_number", "1".repeat(21), "20 caractères au maximum."],
    ]) {
      const res = await c.post("/foyer/informations-complementaires", {
        ...form,
        family_quotient: "900",
        [field]: value,
      });
      expect(res.status, `${field}=${value}`).toBe(422);
      expect(await res.text()).toContain(message);
    }
    expect((await household("senneceylesdijon")).family_quotient).toBe(850);
  });

  it("stores the revenu fiscal de référence in cents", async () => {
    const c = await parent(p, SENE, "lola.test@sene.test");
    expect(
      (await c.post("/foyer/informations-fiscales", { fiscal_income: "23 456,78", tax_shares: "2,5" }))
        .status,
    ).toBe(303);
    expect(await household("sene")).toMatchObject({ fiscal_income_cents: "2345678", tax_shares: "2.50" });
    const page = await (await c.get("/foyer")).text();
    expect(page).toMatch(/23\s456,78\s€/);
    // Typed again the same way: nothing changes, nothing is audited.
    const audits = (await auditOf("sene", "households")).length;
    const again = await c.post("/foyer/informations-fiscales", {
      fiscal_income: "23456.78",
      tax_shares: "2.50",
    });
    expect(again.headers.get("location")).toBe("/foyer?message=inchange");
    expect((await auditOf("sene", "households")).length).toBe(audits);
    const bad = await c.post("/foyer/informations-fiscales", { fiscal_income: "-12", tax_shares: "25" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Montant invalide");
    expect(html).toContain("Nombre de parts invalide");
  });
});

describe("« Coordonnées bancaires »", () => {
  it("asks for the password, validates IBAN and BIC, shows the account masked, audits no value", async () => {
    const c = await parent(p, SENNECEY, "parent1.mairie@senneceylesdijon.test");
    const form = { iban: "FR76 3000 6000 0112 3456 7890 189", bic: BIC, account_holder: "MAIRIE PARENT 1" };

    const wrong = await c.post("/foyer/coordonnees-bancaires", { ...form, password: "pas-le-bon" });
    expect(wrong.status).toBe(422);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain("Mot de passe incorrect.");
    expect(wrongHtml).not.toContain("pas-le-bon");

    const invalid = await c.post("/foyer/coordonnees-bancaires", {
      ...form,
      iban: "FR7630006000011234567890180",
      password: DEMO_PASSWORD,
    });
    expect(invalid.status).toBe(422);
    expect(await invalid.text()).toContain("IBAN invalide");
    const badBic = await c.post("/foyer/coordonnees-bancaires", {
      ...form,
      bic: "AGRI",
      password: DEMO_PASSWORD,
    });
    expect(await badBic.text()).toContain("BIC invalide");
    expect((await household("senneceylesdijon")).iban).toBeNull();

    const ok = await c.post("/foyer/coordonnees-bancaires", { ...form, password: DEMO_PASSWORD });
    expect(ok.status).toBe(303);
    expect(await household("senneceylesdijon")).toMatchObject({
      iban: IBAN,
      bic: BIC,
      account_holder: "MAIRIE PARENT 1",
    });

    const page = await (await c.get("/foyer")).text();
    expect(page).toContain("FR76 •••• •••• 0189");
    expect(page).not.toContain(IBAN);
    expect(page).not.toContain("3000 6000");
    const edit = await (await c.get("/foyer/coordonnees-bancaires")).text();
    expect(edit).not.toContain(IBAN);

    const audit = await p.owner
      .selectFrom("audit_log")
      .selectAll()
      .where("tenant_id", "=", p.tenants.get("senneceylesdijon") as string)
      .execute();
    const bank = audit.find((a) => a.fields.includes("iban"));
    expect(bank?.fields.sort()).toEqual(["account_holder", "bic", "iban"]);
    expect(JSON.stringify(audit)).not.toContain("30006000");
  });

  it("in Plombières, a new account is a pending request, masked on the page, the old value kept", async () => {
    const c = await parent(p, PLOMBIERES, "jdupont");
    const res = await c.post("/foyer/coordonnees-bancaires", {
      iban: IBAN,
      bic: BIC,
      account_holder: "DUPONT JEAN",
      password: DEMO_PASSWORD,
    });
    expect(res.headers.get("location")).toBe("/foyer?message=demande");
    const h = await household("plombieres", "1001001818331");
    expect(h.iban).toBeNull();
    const request = await p.owner
      .selectFrom("change_requests")
      .selectAll()
      .where("household_id", "=", h.id)
      .where("section", "=", "bancaire")
      .executeTakeFirstOrThrow();
    expect(request).toMatchObject({ status: "pending", proposed_values: { iban: IBAN } });
    const page = await (await c.get("/foyer")).text();
    expect(page).toContain("Demande en attente de traitement");
    expect(page).toContain("FR76 •••• •••• 0189");
    expect(page).not.toContain(IBAN);
  });

  it("in Plombières, a CAF change waits for the town", async () => {
    const c = await parent(p, PLOMBIERES, "jdupont");
    await c.post("/foyer/informations-complementaires", { caf_regime: "MSA", caf_number: "998877" });
    const h = await household("plombieres", "1001001818331");
    expect(h.caf_number).toBeNull();
    const page = await (await c.get("/foyer")).text();
    expect(page).toContain("998877");
    expect(page).toContain("Retirer ma demande");
  });

  it("in Plombières, the same phone number typed another way is no change and asks the town nothing", async () => {
    const c = await parent(p, PLOMBIERES, "jdupont");
    const h = await household("plombieres", "1001001818331");
    const pending = () =>
      p.owner
        .selectFrom("change_requests")
        .select("id")
        .where("household_id", "=", h.id)
        .where("section", "=", "coordonnees")
        .execute();
    const before = (await pending()).length;
    const same = {
      address_line: h.address_line ?? "",
      postal_code: h.postal_code ?? "",
      city: h.city ?? "",
      phone_main: "+33 1 02 03 04 05",
      phone_other: "",
    };
    expect(h.phone_main).toBe("01.02.03.04.05");
    const res = await c.post("/foyer/coordonnees", same);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).not.toContain("demande");
    expect(await pending()).toHaveLength(before);
    const changed = await c.post("/foyer/coordonnees", { ...same, phone_main: "01 02 03 04 06" });
    expect(changed.headers.get("location")).toBe("/foyer?message=demande");
    expect(await pending()).toHaveLength(before + 1);
  });
});
