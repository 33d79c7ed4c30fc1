import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import * as requestsService from "../../src/features/requests/service.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// Plombières sends every change of « Mes enfants » to the town: nothing changes until staff
// accept, the pending request shows where the parent made it, and it can be withdrawn.
// Jean DUPONT's household is seeded with his son Lucas; the test adds a daughter, Léa.

let p: TestPlatform;
let jean: ReturnType<typeof client>;
let tenant: Tenant;
let staffId: string;
let lucasId: string;
const HOST = "plombieres.localhost:3000";

beforeAll(async () => {
  p = await createTestPlatform();
  jean = client(p.app, HOST);
  expect((await jean.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
  const site = await p.deps.sites.resolve(HOST);
  if (site.kind !== "tenant") throw new Error("no Plombières");
  tenant = site.tenant;
  const staff = await p.owner
    .selectFrom("users")
    .select("id")
    .where("tenant_id", "=", tenant.id)
    .where("email", "=", "admin@plombieres.test")
    .executeTakeFirstOrThrow();
  staffId = staff.id;
  const [lucas] = await childRows("Lucas");
  lucasId = lucas?.id as string;
});
afterAll(async () => {
  await p?.close();
});

const pending = (section: string) =>
  p.owner
    .selectFrom("change_requests")
    .selectAll()
    .where("tenant_id", "=", tenant.id)
    .where("section", "=", section)
    .where("status", "=", "pending")
    .execute();

const accept = (requestId: string) =>
  p.deps.db.withTenant({ role: "app_staff", tenantId: tenant.id, userId: staffId }, (trx) =>
    requestsService.decide(trx, tenant, { kind: "staff", userId: staffId }, requestId, { accept: true }),
  );

const childRows = (firstName: string) =>
  p.owner
    .selectFrom("children")
    .selectAll()
    .where("tenant_id", "=", tenant.id)
    .where("first_name", "=", firstName)
    .execute();

describe("« Mes enfants » in request mode (Plombières)", () => {
  it("sends « Ajouter un enfant » as a request; the child appears once accepted", async () => {
    const res = await jean.post("/enfants/ajouter", {
      first_name: "Léa",
      last_name: "DUPONT",
      birth_date: "2019-06-11",
      sex: "F",
      school: "École Jean Moulin",
      class_level: "GS",
    });
    expect(res.headers.get("location")).toBe("/enfants?resultat=requested");
    expect(await childRows("Léa")).toHaveLength(0);
    const list = await (await jean.get("/enfants?resultat=requested")).text();
    expect(list).toContain("Ajout en attente de traitement");
    expect(list).toContain("Léa DUPONT");
    expect(list).toContain("Votre demande a été transmise à la commune");

    const [request] = await pending("ajout_enfant");
    expect(request?.target_id).toBeNull();
    expect(await accept(request?.id as string)).toEqual({ kind: "decided" });
    const [lea] = await childRows("Léa");
    expect(lea).toMatchObject({ last_name: "DUPONT", class_level: "GS" });
    const after = await (await jean.get("/enfants")).text();
    expect(after).not.toContain("Ajout en attente de traitement");
    expect(after).toContain(`href="/enfants/${lea?.id}"`);
    expect(after).toContain(`href="/enfants/${lucasId}"`);
  });

  it("keeps medical information as a pending request, shown on its page, applied on acceptance", async () => {
    const res = await jean.post(`/enfants/${lucasId}/sante`, {
      doctor_name: "Dr Morel",
      doctor_phone: "03 80 11 22 33",
      vaccine_name_0: "DTP",
      vaccine_date_0: "2022-01-10",
      allergies_food: "Gluten",
      pai: "oui",
      glasses: "non",
      hearing_aid: "non",
    });
    expect(res.headers.get("location")).toBe(`/enfants/${lucasId}?resultat=requested`);
    expect(
      await p.owner.selectFrom("health_records").selectAll().where("child_id", "=", lucasId).execute(),
    ).toEqual([]);
    const form = await (await jean.get(`/enfants/${lucasId}/sante`)).text();
    expect(form).toContain("Demande en attente de traitement");
    expect(form).toContain("Gluten");
    expect(form).toContain("<td>DTP (10/01/2022)</td>");
    expect(await (await jean.get(`/enfants/${lucasId}`)).text()).toContain(
      "Une demande de modification est en attente de traitement.",
    );
    const audit = await p.owner
      .selectFrom("audit_log")
      .selectAll()
      .where("tenant_id", "=", tenant.id)
      .where("action", "=", "request")
      .execute();
    expect(JSON.stringify(audit)).not.toMatch(/Gluten|Morel|DTP/);

    const [request] = await pending("donnees_sanitaires");
    await accept(request?.id as string);
    const row = await p.owner
      .selectFrom("health_records")
      .selectAll()
      .where("child_id", "=", lucasId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ doctor_name: "Dr Morel", allergies_food: "Gluten", pai: true });
    expect(row.vaccinations).toEqual([{ name: "DTP", date: "2022-01-10" }]);
  });

  it("sends authorised persons under the town's « autorisations » mode", async () => {
    const res = await jean.post(`/enfants/${lucasId}/personnes/ajouter`, {
      first_name: "Hugo",
      last_name: "DUPONT",
      relationship: "Frère",
      phone: "06 11 22 33 44",
      can_pick_up: "oui",
      emergency_contact: "non",
      is_minor: "oui",
    });
    expect(res.headers.get("location")).toBe(`/enfants/${lucasId}?resultat=requested#personnes`);
    expect(await p.owner.selectFrom("authorised_persons").selectAll().execute()).toHaveLength(0);
    expect(await (await jean.get(`/enfants/${lucasId}`)).text()).toContain(
      "Ajout en attente de traitement : Hugo DUPONT",
    );
    const [request] = await pending("personnes_autorisees");
    await accept(request?.id as string);
    const person = await p.owner.selectFrom("authorised_persons").selectAll().executeTakeFirstOrThrow();
    expect(person).toMatchObject({ child_id: lucasId, first_name: "Hugo", is_minor: true });
    expect(await (await jean.get(`/enfants/${lucasId}`)).text()).toContain(
      "autorisation parentale est obligatoire",
    );
  });
});
