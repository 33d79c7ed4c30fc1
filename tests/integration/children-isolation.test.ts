import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// A parent who asks for a child (or an authorised person) of another household, in the same
// town or another one, gets 404 on every route of « Mes enfants », and nothing is written.

let p: TestPlatform;
let jean: ReturnType<typeof client>;
const ids = { own: "", neighbour: "", otherTown: "", neighbourPerson: "", ownPerson: "" };

async function householdId(slug: string, name: string) {
  const row = await p.owner
    .selectFrom("households")
    .select(["id", "tenant_id"])
    .where("tenant_id", "=", p.tenants.get(slug) as string)
    .where("name", "=", name)
    .executeTakeFirstOrThrow();
  return row;
}

async function addChild(slug: string, household: string, firstName: string) {
  const h = await householdId(slug, household);
  const child = await p.owner
    .insertInto("children")
    .values({
      tenant_id: h.tenant_id,
      household_id: h.id,
      first_name: firstName,
      last_name: "X",
      birth_date: "2018-01-01",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const person = await p.owner
    .insertInto("authorised_persons")
    .values({
      tenant_id: h.tenant_id,
      household_id: h.id,
      child_id: child.id,
      first_name: "A",
      last_name: "B",
      phone: "0600000000",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { child: child.id, person: person.id };
}

beforeAll(async () => {
  p = await createTestPlatform();
  jean = client(p.app, "plombieres.localhost:3000");
  expect((await jean.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
  const own = await addChild("plombieres", "M. et Mme DUPONT", "Lucas");
  const neighbour = await addChild("plombieres", "Mme MARTIN", "Chloé");
  const otherTown = await addChild("sene", "Famille TEST", "Jules");
  Object.assign(ids, {
    own: own.child,
    ownPerson: own.person,
    neighbour: neighbour.child,
    neighbourPerson: neighbour.person,
    otherTown: otherTown.child,
  });
});
afterAll(async () => {
  await p?.close();
});

const childRoutes = (id: string) => [
  ["GET", `/enfants/${id}`],
  ["GET", `/enfants/${id}/fiche?version=complete`],
  ["GET", `/enfants/${id}/identite`],
  ["POST", `/enfants/${id}/identite`],
  ["GET", `/enfants/${id}/sante`],
  ["POST", `/enfants/${id}/sante`],
  ["GET", `/enfants/${id}/autorisations`],
  ["POST", `/enfants/${id}/autorisations`],
  ["GET", `/enfants/${id}/personnes/ajouter`],
  ["POST", `/enfants/${id}/personnes/ajouter`],
];

const FORM = {
  first_name: "Intrus",
  last_name: "INTRUS",
  birth_date: "2018-01-01",
  sex: "M",
  phone: "0611111111",
  can_pick_up: "oui",
  emergency_contact: "oui",
  is_minor: "non",
  pai: "non",
  glasses: "non",
  hearing_aid: "non",
  photos: "oui",
  sorties: "oui",
  transport: "oui",
  soins: "oui",
  depart_seul: "oui",
};

async function expect404(method: string, path: string) {
  const res = method === "GET" ? await jean.get(path) : await jean.post(path, FORM);
  expect(res.status, `${method} ${path}`).toBe(404);
}

describe("« Mes enfants » isolation", () => {
  it("answers 404 for a child of another household of the town", async () => {
    for (const [method, path] of childRoutes(ids.neighbour))
      await expect404(method as string, path as string);
  });

  it("answers 404 for a child of another town", async () => {
    for (const [method, path] of childRoutes(ids.otherTown))
      await expect404(method as string, path as string);
  });

  it("answers 404 for another household's authorised person, even through one's own child", async () => {
    for (const [child, person] of [
      [ids.neighbour, ids.neighbourPerson],
      [ids.own, ids.neighbourPerson],
      [ids.neighbour, ids.ownPerson],
    ]) {
      await expect404("GET", `/enfants/${child}/personnes/${person}`);
      await expect404("POST", `/enfants/${child}/personnes/${person}`);
      await expect404("POST", `/enfants/${child}/personnes/${person}/supprimer`);
    }
  });

  it("answers 404 for ids that are not UUIDs, and writes nothing anywhere", async () => {
    await expect404("GET", "/enfants/123");
    await expect404("POST", "/enfants/123/sante");
    await expect404("GET", `/enfants/${ids.own}/personnes/123`);
    expect((await jean.get(`/enfants/${ids.own}`)).status).toBe(200);
    expect(await p.owner.selectFrom("change_requests").selectAll().execute()).toEqual([]);
    expect(await p.owner.selectFrom("health_records").selectAll().execute()).toEqual([]);
    expect(await p.owner.selectFrom("child_consents").selectAll().execute()).toEqual([]);
    const names = await p.owner.selectFrom("children").select("first_name").execute();
    expect(names.map((n) => n.first_name)).not.toContain("Intrus");
  });
});
