/**
 * « Mon profil » (issue 3, item 1): the connection block, and the « responsable » section
 * (personal, coordinates, professional, consents) applied at once or sent as a request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client } from "../helpers/client.ts";
import { PLOMBIERES, parentSignIns, SENE, SENNECEY } from "../helpers/household-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(async () => {
  await p?.close();
});

const parent = parentSignIns("203.0.113.");

/** The account holder's guardian row and account, read as the owner (assertions only). */
async function me(slug: string, email: string | null, login: string | null = null) {
  const user = await p.owner
    .selectFrom("users")
    .selectAll()
    .where("tenant_id", "=", p.tenants.get(slug) as string)
    .where(email ? "email" : "login", "=", (email ?? login) as string)
    .executeTakeFirstOrThrow();
  const guardian = await p.owner
    .selectFrom("guardians")
    .selectAll()
    .where("user_id", "=", user.id)
    .executeTakeFirstOrThrow();
  return { user, guardian };
}

const FULL = {
  civility: "Mme",
  last_name: "Test",
  first_name: "Lola",
  birth_date: "1988-03-14",
  sex: "F",
  address_line: "15 rue de la Surveillance",
  postal_code: "56860",
  city: "Séné",
  phone_home: "02.97.00.00.01",
  phone_mobile: "+33612345678",
  phone_work: "",
  profession: "Infirmière",
  employer: "CHU de Vannes",
  employer_address: "20 boulevard Maurice Guillaudot, Vannes",
  consent_email: "on",
};

describe("« Mon profil »", () => {
  it("shows the connection block, the N° Famille and the personal information", async () => {
    const c = await parent(p, SENNECEY, "parent1.mairie@senneceylesdijon.test");
    const html = await (await c.get("/profil")).text();
    for (const text of [
      "N° Famille : <strong>1001</strong>",
      "Informations de connexion",
      "parent1.mairie@senneceylesdijon.test",
      'href="/compte/email"',
      'href="/mot-de-passe"',
      "Informations personnelles",
      "Informations professionnelles",
      "Préférences de contact",
      'href="/profil/modifier"',
    ])
      expect(html).toContain(text);
  });

  it("saves the profile at once in Séné, keeps the account's name in step and audits field names only", async () => {
    const c = await parent(p, SENE, "lola.test@sene.test");
    const before = await me("sene", "lola.test@sene.test");
    const form = await c.get("/profil/modifier");
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('value="TEST"');

    const res = await c.post("/profil/modifier", { ...FULL, first_name: "Lolita" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/profil?message=enregistre");
    const after = await me("sene", "lola.test@sene.test");
    expect(after.guardian).toMatchObject({
      first_name: "Lolita",
      last_name: "TEST",
      birth_date: "1988-03-14",
      sex: "F",
      phone_home: "02 97 00 00 01",
      phone_mobile: "06 12 34 56 78",
      phone_work: null,
      profession: "Infirmière",
      employer: "CHU de Vannes",
      consent_email: true,
      consent_sms: false,
    });
    expect(after.user.first_name).toBe("Lolita");
    expect(before.user.first_name).toBe("Lola");

    const audit = await p.owner
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_id", "=", after.guardian.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: "update", entity: "guardians", actor_kind: "parent" });
    expect(audit.fields).toEqual(
      expect.arrayContaining(["first_name", "profession", "employer", "birth_date"]),
    );
    expect(audit.fields).not.toContain("last_name");
    expect(JSON.stringify(audit)).not.toMatch(/Lolita|Infirmière|CHU/);

    const page = await (await c.get("/profil?message=enregistre")).text();
    expect(page).toContain("Vos modifications ont été enregistrées.");
    expect(page).toContain("14 mars 1988");
    expect(page).toContain("CHU de Vannes");
    // The greeting follows the new first name (the session reads the account).
    expect(await (await c.get("/")).text()).toContain("Bienvenue Lolita");
  });

  it.each([
    ["birth_date", "2999-01-01", "La date de naissance ne peut pas être dans le futur."],
    ["birth_date", "14/03/1988", "Date invalide"],
    ["profession", "x".repeat(101), "100 caractères au maximum."],
    ["phone_mobile", "06 12 34", "Numéro de téléphone invalide"],
    ["postal_code", "5686", "Code postal invalide"],
    ["last_name", "  ", "Ce champ est obligatoire."],
    ["sex", "X", "Choisissez une valeur de la liste."],
  ])(
    "refuses %s = %j with a message at the field, keeps the input, saves nothing",
    async (field, value, message) => {
      const c = await parent(p, SENNECEY, "parent1.mairie@senneceylesdijon.test");
      const before = await me("senneceylesdijon", "parent1.mairie@senneceylesdijon.test");
      const res = await c.post("/profil/modifier", { ...FULL, profession: "Boulanger", [field]: value });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toMatch(new RegExp(`id="f-${field}"[^>]*aria-describedby="[^"]*f-${field}-error`));
      if (field !== "sex" && value.trim()) expect(html).toContain(value.slice(0, 20));
      const after = await me("senneceylesdijon", "parent1.mairie@senneceylesdijon.test");
      expect(after.guardian).toEqual(before.guardian);
    },
  );

  it("in Plombières, sends the change as a request: the value stays until staff accept", async () => {
    const c = await parent(p, PLOMBIERES, "jdupont");
    const before = await me("plombieres", null, "jdupont");
    const edit = await (await c.get("/profil/modifier")).text();
    expect(edit).toContain("Envoyer la demande");
    const res = await c.post("/profil/modifier", {
      civility: "M.",
      last_name: "DUPONT",
      first_name: "Jean",
      profession: "Menuisier",
      employer: "Atelier Bois",
    });
    expect(res.headers.get("location")).toBe("/profil?message=demande");
    const after = await me("plombieres", null, "jdupont");
    expect(after.guardian.profession).toBe(before.guardian.profession);
    const request = await p.owner
      .selectFrom("change_requests")
      .selectAll()
      .where("household_id", "=", after.guardian.household_id)
      .where("section", "=", "responsable")
      .executeTakeFirstOrThrow();
    expect(request.status).toBe("pending");
    expect(request.proposed_values).toEqual({ profession: "Menuisier", employer: "Atelier Bois" });
    const audit = await p.owner
      .selectFrom("audit_log")
      .selectAll()
      .where("entity_id", "=", request.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: "request", entity: "change_requests" });
    expect(audit.fields.sort()).toEqual(["employer", "profession"]);

    const page = await (await c.get("/profil?message=demande")).text();
    expect(page).toContain("Votre demande a été envoyée à la commune");
    expect(page).toContain("Demande en attente de traitement");
    expect(page).toContain("Menuisier");
    expect(page).toContain("Retirer ma demande");
  });

  it("is for signed-in parents only", async () => {
    const anonymous = client(p.app, SENE);
    for (const path of ["/profil", "/profil/modifier"]) {
      const res = await anonymous.get(path);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toMatch(/^\/connexion/);
    }
    const post = await anonymous.post("/profil/modifier", FULL);
    expect(post.status).not.toBe(200);
    expect((await me("sene", "lola.test@sene.test")).guardian.employer).not.toBe("hacked");
  });
});
