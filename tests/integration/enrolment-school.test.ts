import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// « Nouvelle inscription scolaire » (issue 15): the school map imported by staff, a request by
// derogation, the staff decision, the certificate for the director, the class lists.

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let parent: ReturnType<typeof client>;
let staff: ReturnType<typeof client>;
let lucas: string;

const requests = () => p.owner.selectFrom("school_requests").selectAll().execute();
beforeAll(async () => {
  p = await createTestPlatform();
  lucas = (
    await p.owner
      .selectFrom("children")
      .select("id")
      .where("first_name", "=", "Lucas")
      .executeTakeFirstOrThrow()
  ).id;
  parent = client(p.app, HOST, { ip: "192.0.2.21" });
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
  staff = client(p.app, HOST, { ip: "192.0.2.22" });
  expect((await staff.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
  p.setNow(new Date("2026-11-23T08:00:00Z"));
}, 120_000);
afterAll(async () => {
  p?.setNow(null);
  await p?.close();
});

async function upload(csv: string) {
  const form = new FormData();
  form.set("fichier", new File([csv], "carte.csv", { type: "text/csv" }));
  const cookie = [...staff.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return p.app.request("http://127.0.0.1/agents/inscriptions-scolaires/carte", {
    method: "POST",
    headers: { Host: HOST, Cookie: cookie, Origin: `http://${HOST}`, "X-Forwarded-For": "192.0.2.22" },
    body: form,
  });
}

describe("school enrolment", () => {
  it("imports the school map from a CSV, refusing a malformed one", async () => {
    const bad = await upload("rue;école\nRue des Bonbons\n");
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Ligne 2 : deux colonnes attendues, « rue ; école ».");
    const ok = await upload(
      "rue;école\nRue des Bonbons;École du Centre\nPlace de la Mairie;École des Tilleuls\n",
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/agents/inscriptions-scolaires?message=carte");
    const form = await (await parent.get("/inscriptions/scolaire")).text();
    expect(form).toContain("l'école de secteur est : <strong>École du Centre</strong>");
  });

  it("tells each bad input at its field and saves nothing", async () => {
    const base = { enfant: lucas, annee: "2027-2028", niveau: "CM2", derogation: "oui" };
    const noReason = await parent.post("/inscriptions/scolaire", {
      ...base,
      ecole: "École des Tilleuls",
      motif: "",
    });
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain('<p class="field-error" id="f-motif-error">Indiquez le motif');
    const outside = await parent.post("/inscriptions/scolaire", {
      ...base,
      ecole: "École de Dijon",
      motif: "Travail",
    });
    expect(await outside.text()).toContain("Choisissez une des écoles publiques de la commune.");
    const year = await parent.post("/inscriptions/scolaire", {
      ...base,
      annee: "2031-2032",
      ecole: "",
      motif: "",
    });
    expect(await year.text()).toContain("Choisissez l'année scolaire.");
    expect(await requests()).toEqual([]);
  });

  it("sends a derogation, accepted by staff, with its certificate and class list", async () => {
    const sent = await parent.post("/inscriptions/scolaire", {
      enfant: lucas,
      annee: "2027-2028",
      niveau: "CM2",
      derogation: "oui",
      ecole: "École des Tilleuls",
      motif: "Garde par les grands-parents place de la Mairie",
    });
    expect(sent.status).toBe(303);
    const mine = await (await parent.get("/inscriptions")).text();
    expect(mine).toContain("École des Tilleuls, CM2 (dérogation)");
    const [r] = await requests();
    expect(r).toMatchObject({ status: "pending", sector_school: "École du Centre", derogation: true });
    const list = await (
      await staff.get("/agents/inscriptions-scolaires?ecole=%C3%89cole%20des%20Tilleuls")
    ).text();
    expect(list).toContain("Oui (secteur : École du Centre) : Garde par les grands-parents");
    const noReason = await staff.post(`/agents/inscriptions-scolaires/${r?.id}/decision`, {
      decision: "refuser",
    });
    expect(noReason.status).toBe(422);
    const ok = await staff.post(`/agents/inscriptions-scolaires/${r?.id}/decision`, { decision: "accepter" });
    expect(ok.status).toBe(303);
    const mail = await p.mailbox.waitFor("jean.dupont@plombieres.test");
    expect(mail.subject).toContain("Inscription scolaire acceptée pour votre enfant");
    const pdf = await parent.get(`/inscriptions/scolaire/${r?.id}/certificat`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const csv = await (
      await staff.get(
        "/agents/inscriptions-scolaires/listes.csv?ecole=%C3%89cole%20des%20Tilleuls&annee=2027-2028",
      )
    ).text();
    expect(csv).toContain("2027-2028;École des Tilleuls;CM2;DUPONT;Lucas;08/11/2016");
  });

  it("gives 404 for a certificate that is not the family's or not issued", async () => {
    const other = client(p.app, "senneceylesdijon.localhost:3000", { ip: "192.0.2.23" });
    expect((await other.login("parent1.mairie@senneceylesdijon.test", DEMO_PASSWORD)).status).toBe(303);
    const [r] = await requests();
    expect((await other.get(`/inscriptions/scolaire/${r?.id}/certificat`)).status).toBe(404);
    expect(
      (await parent.get("/inscriptions/scolaire/00000000-0000-4000-8000-000000000000/certificat")).status,
    ).toBe(404);
  });
});
