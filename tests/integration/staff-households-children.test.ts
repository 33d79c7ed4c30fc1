/**
 * Staff edit a household's children and bank details from its file (issue 3, item 7):
 * each section applied at once in Plombières (no request), audited as staff with field names
 * only, bad input refused at the field, another household's or town's child (404), parents (403).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

const PLOMBIERES = "plombieres.localhost:3000";
const IBAN = "FR7630006000011234567890189";

let p: TestPlatform;
let staff: ReturnType<typeof client>;
let dupontId: string;
let lucasId: string;
let base: string;
let ip = 0;

async function login(identifier: string, path = "") {
  const c = client(p.app, PLOMBIERES, { ip: `198.51.100.${++ip}` });
  expect((await c.login(identifier, DEMO_PASSWORD, path)).status).toBe(303);
  return c;
}

const household = (slug: string, number: string) =>
  p.owner
    .selectFrom("households")
    .selectAll()
    .where("tenant_id", "=", p.tenants.get(slug) as string)
    .where("number", "=", number)
    .executeTakeFirstOrThrow();

const childOf = (householdId: string) =>
  p.owner
    .selectFrom("children")
    .selectAll()
    .where("household_id", "=", householdId)
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  p = await createTestPlatform();
  staff = await login("admin@plombieres.test", "/agents");
  dupontId = (await household("plombieres", "1001001818331")).id;
  lucasId = (await childOf(dupontId)).id;
  base = `/agents/foyers/${dupontId}/enfants/${lucasId}`;
});
afterAll(async () => {
  await p?.close();
});

const requests = async () =>
  (await p.owner.selectFrom("change_requests").select("id").where("household_id", "=", dupontId).execute())
    .length;

const lastAudit = (entity: string) =>
  p.owner
    .selectFrom("audit_log")
    .selectAll()
    .where("household_id", "=", dupontId)
    .where("entity", "=", entity)
    .orderBy("at", "desc")
    .executeTakeFirstOrThrow();

/** Posts as staff: applied at once (no request), back to the child on the file, audited as staff. */
async function staffPost(path: string, values: Record<string, string>, entity: string) {
  const before = await requests();
  const res = await staff.post(path, values);
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe(`/agents/foyers/${dupontId}?message=enregistre#enfant-${lucasId}`);
  expect(await requests()).toBe(before);
  const audit = await lastAudit(entity);
  expect(audit).toMatchObject({ actor_kind: "staff", household_id: dupontId });
  return audit;
}

const person = (over: Record<string, string> = {}) => ({
  first_name: "Marie",
  last_name: "ROUX",
  relationship: "Grand-mère",
  phone: "06 12 34 56 78",
  phone_other: "",
  can_pick_up: "oui",
  emergency_contact: "oui",
  is_minor: "non",
  ...over,
});

describe("the household's file links to each child's forms", () => {
  it("offers identity, health, consents, authorised persons and bank details", async () => {
    const html = await (await staff.get(`/agents/foyers/${dupontId}`)).text();
    for (const path of ["identite", "sante", "autorisations", "personnes/ajouter"])
      expect(html, path).toContain(`href="${base}/${path}"`);
    expect(html).toContain(`href="/agents/foyers/${dupontId}/bancaire"`);
  });

  it("shows the child's form in the staff's layout, posting to the staff's path", async () => {
    const res = await staff.get(`${base}/identite`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`action="${base}/identite"`);
    expect(html).toContain(`href="/agents/foyers/${dupontId}#enfant-${lucasId}"`);
    expect(html).toContain("s'applique immédiatement au dossier");
    expect(html).toContain('value="Lucas"');
  });
});

describe("child sections edited by staff (Plombières: applied at once)", () => {
  it("changes the identity and audits the fields only", async () => {
    const identity = {
      first_name: "Lucas",
      last_name: "DUPONT",
      birth_date: "2016-04-12",
      sex: "M",
      school: "École Jules Ferry",
      class_level: "CM2",
    };
    const audit = await staffPost(`${base}/identite`, identity, "children");
    expect(await childOf(dupontId)).toMatchObject({ school: "École Jules Ferry", class_level: "CM2" });
    expect(audit.fields).toContain("school");
    expect(JSON.stringify(audit)).not.toContain("Jules Ferry");
  });

  it("changes the health record", async () => {
    const health = {
      doctor_name: "Dr Vosges",
      doctor_phone: "03 29 11 22 33",
      vaccine_name_0: "DTP",
      vaccine_date_0: "2023-05-02",
      allergies_food: "Arachide",
      pai: "oui",
      glasses: "non",
      hearing_aid: "non",
    };
    const audit = await staffPost(`${base}/sante`, health, "health_records");
    const row = await p.owner
      .selectFrom("health_records")
      .selectAll()
      .where("child_id", "=", lucasId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ doctor_name: "Dr Vosges", allergies_food: "Arachide", pai: true });
    expect(audit.fields).toContain("allergies_food");
    expect(JSON.stringify(audit)).not.toContain("Arachide");
  });

  it("changes the consents", async () => {
    const answers = { photos: "non", sorties: "oui", transport: "oui", soins: "oui", depart_seul: "non" };
    const audit = await staffPost(`${base}/autorisations`, answers, "child_consents");
    const rows = await p.owner
      .selectFrom("child_consents")
      .selectAll()
      .where("child_id", "=", lucasId)
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.key, r.granted]))).toMatchObject({
      photos: false,
      sorties: true,
      depart_seul: false,
    });
    expect(audit.fields).toContain("photos");
  });

  it("adds, edits and removes an authorised person", async () => {
    const persons = () =>
      p.owner.selectFrom("authorised_persons").selectAll().where("child_id", "=", lucasId).execute();
    const before = (await persons()).length;
    await staffPost(`${base}/personnes/ajouter`, person(), "authorised_persons");
    const added = (await persons()).find((r) => r.last_name === "ROUX");
    expect(added).toMatchObject({ first_name: "Marie", can_pick_up: true });
    const id = added?.id as string;
    const form = await (await staff.get(`${base}/personnes/${id}`)).text();
    expect(form).toContain(`action="${base}/personnes/${id}"`);
    const audit = await staffPost(
      `${base}/personnes/${id}`,
      person({ phone: "06 99 88 77 66" }),
      "authorised_persons",
    );
    expect(audit.fields).toEqual(["phone"]);
    expect((await persons()).find((r) => r.id === id)?.phone).toBe("06 99 88 77 66");
    const parent = await login("jdupont");
    const parentForm = await (await parent.get(`/enfants/${lucasId}/personnes/${id}`)).text();
    expect(parentForm).toContain(`action="/enfants/${lucasId}/personnes/${id}"`);
    expect(parentForm).not.toContain("s'applique immédiatement");
    await staffPost(`${base}/personnes/${id}/supprimer`, {}, "authorised_persons");
    expect(await persons()).toHaveLength(before);
  });

  it("refuses bad input at the field, keeps what was typed and saves nothing", async () => {
    const res = await staff.post(`${base}/identite`, { first_name: "", last_name: "Nouveau", sex: "M" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-first_name-error"');
    expect(html).toContain("Indiquez le prénom.");
    expect(html).toContain('value="Nouveau"');
    expect((await childOf(dupontId)).last_name).toBe("DUPONT");
    const bad = await staff.post(`${base}/personnes/ajouter`, person({ phone: "123" }));
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('id="f-phone-error"');
  });
});

describe("bank details edited by staff", () => {
  it("asks no password, never shows the IBAN, and applies at once", async () => {
    const form = await (await staff.get(`/agents/foyers/${dupontId}/bancaire`)).text();
    expect(form).not.toContain('name="password"');
    expect(form).toContain(`action="/agents/foyers/${dupontId}/bancaire"`);
    const before = await requests();
    const bank = {
      iban: "fr76 3000 6000 0112 3456 7890 189",
      bic: "agrifrpp882",
      account_holder: "Jean DUPONT",
    };
    const res = await staff.post(`/agents/foyers/${dupontId}/bancaire`, bank);
    expect(res.status).toBe(303);
    expect(await requests()).toBe(before);
    expect(await household("plombieres", "1001001818331")).toMatchObject({ iban: IBAN, bic: "AGRIFRPP882" });
    const audit = await lastAudit("households");
    expect(audit).toMatchObject({ actor_kind: "staff", action: "update" });
    expect(audit.fields).toEqual(expect.arrayContaining(["iban", "bic"]));
    expect(JSON.stringify(audit)).not.toContain("0189");
    expect(await (await staff.get(`/agents/foyers/${dupontId}/bancaire`)).text()).not.toContain(IBAN);
  });

  it("checks IBAN and BIC at the field and saves nothing", async () => {
    const bank = { iban: "FR7630006000011234567890188", bic: "XX", account_holder: "Autre" };
    const res = await staff.post(`/agents/foyers/${dupontId}/bancaire`, bank);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('id="f-iban-error"');
    expect(html).toContain("IBAN invalide");
    expect(html).toContain('id="f-bic-error"');
    expect((await household("plombieres", "1001001818331")).account_holder).toBe("Jean DUPONT");
  });
});

describe("isolation", () => {
  it("answers 404 for a child of another household or town, and another child's person", async () => {
    const martin = await household("plombieres", "1001001818332");
    const mairie = await household("senneceylesdijon", "1001");
    const mairieChild = (await childOf(mairie.id)).id;
    expect((await staff.get(`/agents/foyers/${martin.id}/enfants/${lucasId}/identite`)).status).toBe(404);
    expect((await staff.get(`/agents/foyers/${mairie.id}/enfants/${mairieChild}/sante`)).status).toBe(404);
    expect((await staff.get(`/agents/foyers/${dupontId}/enfants/${mairieChild}/sante`)).status).toBe(404);
    const res = await staff.post(`/agents/foyers/${mairie.id}/enfants/${mairieChild}/identite`, {
      first_name: "Pirate",
      last_name: "X",
      birth_date: "2015-01-01",
      sex: "M",
    });
    expect(res.status).toBe(404);
    expect((await childOf(mairie.id)).first_name).not.toBe("Pirate");
    const parent = client(p.app, "senneceylesdijon.localhost:3000", { ip: `198.51.100.${++ip}` });
    expect((await parent.login("parent1.mairie@senneceylesdijon.test", DEMO_PASSWORD)).status).toBe(303);
    expect((await parent.post(`/enfants/${mairieChild}/personnes/ajouter`, person())).status).toBe(303);
    const other = await p.owner
      .selectFrom("authorised_persons")
      .select("id")
      .where("child_id", "=", mairieChild)
      .executeTakeFirstOrThrow();
    expect((await staff.get(`${base}/personnes/${other.id}`)).status).toBe(404);
    expect((await staff.post(`${base}/personnes/${other.id}/supprimer`)).status).toBe(404);
    expect((await staff.get(`/agents/foyers/${mairie.id}/bancaire`)).status).toBe(404);
    expect((await staff.get(`${base}/inconnu`)).status).toBe(404);
  });

  it("forbids parents (403)", async () => {
    const parent = await login("jdupont");
    expect((await parent.get(`${base}/identite`)).status).toBe(403);
    expect((await parent.post(`${base}/sante`, { pai: "oui" })).status).toBe(403);
    expect((await parent.post(`${base}/personnes/ajouter`, person())).status).toBe(403);
    expect((await parent.post(`/agents/foyers/${dupontId}/bancaire`, { iban: IBAN })).status).toBe(403);
  });
});
