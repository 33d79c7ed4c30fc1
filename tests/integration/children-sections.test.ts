import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { parisToday } from "../../src/lib/form-fields.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// « Mes enfants » in a town that applies changes at once (Séné): each section, each bad
// input (422, message at the field, nothing saved), and the audit trail without values.

let p: TestPlatform;
let lola: ReturnType<typeof client>;
let paulId: string;
beforeAll(async () => {
  p = await createTestPlatform();
  lola = client(p.app, "sene.localhost:3000");
  expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
  paulId = await childId("Paul");
});
afterAll(async () => {
  await p?.close();
});

async function childId(firstName: string) {
  const row = await p.owner
    .selectFrom("children")
    .select("id")
    .where("tenant_id", "=", p.tenants.get("sene") as string)
    .where("first_name", "=", firstName)
    .executeTakeFirstOrThrow();
  return row.id;
}

const child = (over: Record<string, string> = {}) => ({
  first_name: "Léa",
  last_name: "TEST",
  birth_date: "2020-03-14",
  sex: "F",
  school: "École du Poulfanc",
  class_level: "MS",
  ...over,
});

const health = (over: Record<string, string> = {}) => ({
  doctor_name: "Dr Le Gall",
  doctor_phone: "02 97 11 22 33",
  vaccine_name_0: "DTP",
  vaccine_date_0: "2023-05-02",
  vaccine_name_1: "ROR",
  vaccine_date_1: "2018-10-01",
  allergies_food: "Arachide",
  allergies_medication: "",
  allergies_other: "",
  pai: "oui",
  diet: "Sans porc",
  treatments: "",
  glasses: "oui",
  hearing_aid: "non",
  remarks: "",
  ...over,
});

const person = (over: Record<string, string> = {}) => ({
  first_name: "Marie",
  last_name: "LE ROUX",
  relationship: "Grand-mère",
  phone: "06 12 34 56 78",
  phone_other: "",
  can_pick_up: "oui",
  emergency_contact: "oui",
  is_minor: "non",
  ...over,
});

/** The text of a PDF made by pdfkit: its deflated streams show standard-font text as <hex> strings. */
function pdfText(pdf: Buffer): string {
  const streams = pdf.toString("latin1").matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g);
  let text = "";
  for (const [, body] of streams) {
    const content = inflateSync(Buffer.from(body as string, "latin1")).toString("latin1");
    for (const [, hex] of content.matchAll(/<([0-9a-f]+)>/gi))
      text += new TextDecoder("windows-1252").decode(Buffer.from(hex as string, "hex"));
  }
  return text;
}

const fieldError = (html: string, name: string) =>
  html.match(new RegExp(`id="f-${name}-error">([^<]*)<`))?.[1];

const auditOf = (entity: string) =>
  p.owner
    .selectFrom("audit_log")
    .selectAll()
    .where("tenant_id", "=", p.tenants.get("sene") as string)
    .where("entity", "=", entity)
    .orderBy("at", "desc")
    .execute();

describe("« Mes enfants » (Séné, direct)", () => {
  it("lists the household's children with age and school", async () => {
    const res = await lola.get("/enfants");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Paul TEST");
    expect(html).toContain("Emma-Rose TEST");
    expect(html).toContain('href="/enfants/ajouter"');
    const home = await (await lola.get("/")).text();
    expect(home).toContain('<a class="tile" href="/enfants">');
  });

  it("adds a child at once; bad input is refused at the field and saves nothing", async () => {
    const before = await p.owner.selectFrom("children").select("id").execute();
    const cases: [Record<string, string>, string, string][] = [
      [
        child({ birth_date: "2999-01-01" }),
        "birth_date",
        "La date de naissance ne peut pas être dans le futur.",
      ],
      [child({ birth_date: "1990-01-01" }), "birth_date", "L'enfant doit avoir moins de 25 ans."],
      [child({ birth_date: "2020-02-30" }), "birth_date", "Indiquez une date valide (jj/mm/aaaa)."],
      [child({ first_name: "  " }), "first_name", "Indiquez le prénom."],
      [child({ last_name: "" }), "last_name", "Indiquez le nom."],
      [child({ school: "x".repeat(121) }), "school", "120 caractères au maximum."],
    ];
    for (const [form, field, message] of cases) {
      const res = await lola.post("/enfants/ajouter", form);
      expect(res.status, field).toBe(422);
      const html = await res.text();
      expect(fieldError(html, field)).toBe(message.replace("'", "&#39;"));
      expect(html).toMatch(new RegExp(`aria-describedby="[^"]*f-${field}-error"`));
      expect(html).toContain('value="MS"');
    }
    expect(await p.owner.selectFrom("children").select("id").execute()).toHaveLength(before.length);

    const res = await lola.post("/enfants/ajouter", child());
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/enfants?resultat=applied");
    expect(await (await lola.get("/enfants?resultat=applied")).text()).toContain("Léa TEST");
    const [audit] = await auditOf("children");
    expect(audit).toMatchObject({ action: "create", actor_kind: "parent" });
    expect(audit?.fields).toEqual(expect.arrayContaining(["first_name", "birth_date"]));
  });

  it("changes identity and school; a date in the future is refused", async () => {
    const bad = await lola.post(
      `/enfants/${paulId}/identite`,
      child({ first_name: "Paul", birth_date: "2999-01-01" }),
    );
    expect(bad.status).toBe(422);
    expect(fieldError(await bad.text(), "birth_date")).toContain("futur");
    const ok = await lola.post(`/enfants/${paulId}/identite`, {
      ...child({ first_name: "Paul", birth_date: "2017-09-02", sex: "M" }),
      class_level: "CE2",
    });
    expect(ok.status).toBe(303);
    const row = await p.owner
      .selectFrom("children")
      .selectAll()
      .where("id", "=", paulId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ first_name: "Paul", school: "École du Poulfanc", class_level: "CE2" });
    expect((await lola.get(`/enfants/${paulId}`)).status).toBe(200);
  });

  it("keeps medical information, with vaccinations, and audits the fields only", async () => {
    const badCases: [Record<string, string>, string][] = [
      [health({ vaccine_date_1: "2018-13-45" }), "vaccine_date_1"],
      [health({ vaccine_date_0: "2999-01-01" }), "vaccine_date_0"],
      [health({ vaccine_name_0: "" }), "vaccine_name_0"],
      [health({ vaccine_name_1: "DTP ; ROR" }), "vaccine_name_1"],
      [health({ vaccine_name_1: "x".repeat(81) }), "vaccine_name_1"],
      [health({ doctor_phone: "abc" }), "doctor_phone"],
      [health({ remarks: "x".repeat(1001) }), "remarks"],
      [health({ pai: "" }), "pai"],
    ];
    for (const [form, field] of badCases) {
      const res = await lola.post(`/enfants/${paulId}/sante`, form);
      expect(res.status, field).toBe(422);
      const html = await res.text();
      expect(fieldError(html, field), field).toBeTruthy();
      expect(html).toContain("Arachide");
    }
    expect(await p.owner.selectFrom("health_records").selectAll().execute()).toHaveLength(0);

    const res = await lola.post(`/enfants/${paulId}/sante`, health());
    expect(res.status).toBe(303);
    const row = await p.owner
      .selectFrom("health_records")
      .selectAll()
      .where("child_id", "=", paulId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ doctor_name: "Dr Le Gall", pai: true, glasses: true, hearing_aid: false });
    expect(row.vaccinations).toEqual([
      { name: "DTP", date: "2023-05-02" },
      { name: "ROR", date: "2018-10-01" },
    ]);
    const page = await (await lola.get(`/enfants/${paulId}`)).text();
    expect(page).toContain("DTP (02/05/2023), ROR (01/10/2018)");
    expect(page).toContain("Arachide");

    const [audit] = await auditOf("health_records");
    expect(audit?.fields).toEqual(expect.arrayContaining(["doctor_name", "vaccinations", "allergies_food"]));
    expect(JSON.stringify(await auditOf("health_records"))).not.toMatch(/Arachide|Le Gall|DTP|Sans porc/);

    const again = await lola.post(`/enfants/${paulId}/sante`, health());
    expect(again.headers.get("location")).toBe(`/enfants/${paulId}?resultat=unchanged`);
  });

  it("prints the « Fiche enfant » as a PDF download, simple or complete", async () => {
    const simple = await lola.get(`/enfants/${paulId}/fiche`);
    expect(simple.status).toBe(200);
    expect(simple.headers.get("content-type")).toBe("application/pdf");
    expect(simple.headers.get("content-disposition")).toBe('attachment; filename="fiche-enfant-paul.pdf"');
    expect(simple.headers.get("cache-control")).toBe("no-store");
    const simpleBytes = Buffer.from(await simple.arrayBuffer());
    expect(simpleBytes.subarray(0, 5).toString()).toBe("%PDF-");
    const complete = await lola.get(`/enfants/${paulId}/fiche?version=complete`);
    expect(complete.headers.get("content-disposition")).toBe(
      'attachment; filename="fiche-enfant-paul-complete.pdf"',
    );
    const completeText = pdfText(Buffer.from(await complete.arrayBuffer()));
    expect(completeText).toContain("Fiche enfant : Paul TEST");
    expect(completeText).toContain("Allergies alimentaires : Arachide");
    expect(completeText).toContain("Vaccinations : DTP (02/05/2023), ROR (01/10/2018)");
    const simpleText = pdfText(simpleBytes);
    expect(simpleText).toContain("École : École du Poulfanc");
    expect(simpleText).not.toContain("Arachide");
  });

  it("adds, edits and removes an authorised person; a minor asks for the parental authorisation", async () => {
    const bad = await lola.post(
      `/enfants/${paulId}/personnes/ajouter`,
      person({ last_name: "", phone: "12" }),
    );
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(fieldError(html, "last_name")).toBe("Indiquez le nom.");
    expect(fieldError(html, "phone")).toContain("téléphone");
    expect(await p.owner.selectFrom("authorised_persons").selectAll().execute()).toHaveLength(0);

    expect((await lola.post(`/enfants/${paulId}/personnes/ajouter`, person())).status).toBe(303);
    const added = await p.owner.selectFrom("authorised_persons").selectAll().executeTakeFirstOrThrow();
    expect(added).toMatchObject({
      child_id: paulId,
      last_name: "LE ROUX",
      can_pick_up: true,
      is_minor: false,
    });
    expect(await (await lola.get(`/enfants/${paulId}`)).text()).not.toContain(
      "autorisation parentale est obligatoire",
    );

    const edit = await lola.post(`/enfants/${paulId}/personnes/${added.id}`, person({ is_minor: "oui" }));
    expect(edit.status).toBe(303);
    const page = await (await lola.get(`/enfants/${paulId}`)).text();
    expect(page).toContain("Marie LE ROUX (mineur)");
    expect(page).toContain("autorisation parentale est obligatoire");

    expect((await lola.post(`/enfants/${paulId}/personnes/${added.id}/supprimer`)).status).toBe(303);
    expect(await p.owner.selectFrom("authorised_persons").selectAll().execute()).toHaveLength(0);
    const actions = (await auditOf("authorised_persons")).map((a) => a.action);
    expect(actions).toEqual(["update", "update", "create"]);
  });

  it("answers the town's consents oui/non with the date of the answer", async () => {
    const keys = ["photos", "sorties", "transport", "soins", "depart_seul"];
    const answers = Object.fromEntries(keys.map((k) => [k, k === "depart_seul" ? "non" : "oui"]));
    const bad = await lola.post(`/enfants/${paulId}/autorisations`, { ...answers, photos: "" });
    expect(bad.status).toBe(422);
    expect(fieldError(await bad.text(), "photos")).toBe("Répondez par oui ou par non.");
    expect((await lola.post(`/enfants/${paulId}/autorisations`, answers)).status).toBe(303);
    const rows = await p.owner
      .selectFrom("child_consents")
      .selectAll()
      .where("child_id", "=", paulId)
      .execute();
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.key === "depart_seul")?.granted).toBe(false);
    const page = await (await lola.get(`/enfants/${paulId}`)).text();
    const today = parisToday().split("-").reverse().join("/");
    expect(page).toMatch(new RegExp(`Rentrer seul après l&#39;activité</th><td>Non</td><td>${today}</td>`));
  });
});
