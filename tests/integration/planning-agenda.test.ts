import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// The Plombières agenda: a month grid per child whose cells carry real links; a « Demande de
// réservation » goes through a confirmation page showing the rules, and waits for staff.

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let parent: ReturnType<typeof client>;
let lucas: string;

beforeAll(async () => {
  p = await createTestPlatform();
  const householdId = await completeFile(p, "plombieres", "1001001818331");
  lucas = (
    await p.owner
      .selectFrom("children")
      .select("id")
      .where("household_id", "=", householdId)
      .executeTakeFirstOrThrow()
  ).id;
  parent = client(p.app, HOST);
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
}, 120_000);
afterAll(async () => {
  p?.setNow(null);
  await p?.close();
});

const town = () => p.tenants.get("plombieres") as string;
const reserveLink = (html: string, day: string) => {
  const m = html.match(
    new RegExp(`href="(/agenda/reserver\\?periode=[0-9a-f-]+&amp;enfant=${lucas}&amp;jour=${day})"`),
  );
  return m?.[1]?.replaceAll("&amp;", "&");
};
const restaurationRow = (html: string) =>
  html.slice(
    html.indexOf("Garderie périscolaire Restauration scolaire"),
    html.indexOf("</tr>", html.indexOf("Garderie périscolaire Restauration scolaire")),
  );

describe("« Agenda » (Plombières)", () => {
  it("shows a month grid per service with states, holidays and the legend", async () => {
    p.setNow(new Date("2026-11-23T08:00:00Z"));
    const res = await parent.get(`/agenda?mois=2027-04&enfant=${lucas}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<caption id="agenda-caption">Agenda de Lucas DUPONT – avril 2027</caption>');
    expect(html).toContain('<th scope="col">Structure Service</th>');
    expect(html).toContain("Je 01");
    expect(html).toContain('<th scope="row">Accueil de Loisirs ALSH Vacances journée</th>');
    // Zone A's spring holidays are « Petites vacances »; Easter Monday (29 March) is « Jour férié ».
    expect(restaurationRow(html)).toContain("Petites vacances");
    const march = await (await parent.get(`/agenda?mois=2027-03&enfant=${lucas}`)).text();
    expect(restaurationRow(march)).toContain("Jour férié");
    for (const label of [
      "Réservé",
      "Absent facturé",
      "Absent excusé",
      "Réservation refusée",
      "Absence en cours de traitement",
      "Grandes vacances",
    ])
      expect(html).toContain(label);
    expect(reserveLink(html, "2027-04-01")).toBeDefined();
    expect(reserveLink(html, "2027-04-03")).toBeUndefined();
  });

  it("sends a « Demande de réservation » for one day after showing the rules, once per key", async () => {
    p.setNow(new Date("2026-11-23T08:00:00Z"));
    const html = await (await parent.get(`/agenda?mois=2027-03&enfant=${lucas}`)).text();
    const link = reserveLink(restaurationRow(html), "2027-03-04") as string;
    const confirm = await parent.get(link);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain("Vos demandes sont validées par le service");
    expect(page).toContain("jeudi 4 mars 2027");
    const form = Object.fromEntries(
      [...page.matchAll(/name="(periode|enfant|jour|cle)" value="([^"]+)"/g)].map((m) => [m[1], m[2]]),
    ) as Record<string, string>;
    const sent = await parent.post("/agenda/reserver", form);
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/agenda?mois=2027-03&enfant=${lucas}&demande=envoyee`);
    expect((await parent.post("/agenda/reserver", form)).status).toBe(303);
    const rows = await p.owner
      .selectFrom("bookings")
      .select(["status", "day"])
      .where("day", "=", "2027-03-04")
      .execute();
    expect(rows).toEqual([{ status: "pending", day: "2027-03-04" }]);
    const after = await (await parent.get(sent.headers.get("location") as string)).text();
    expect(after).toContain("Votre demande de réservation a été envoyée.");
    expect(restaurationRow(after)).toContain("Réservation en cours de traitement");
    expect(reserveLink(restaurationRow(after), "2027-03-04")).toBeUndefined();
    expect(restaurationRow(after)).toContain(
      "Annuler – Lucas DUPONT, Garderie périscolaire Restauration scolaire, jeudi 4 mars 2027",
    );
  });

  it("refuses a closed day with a French message and saves nothing", async () => {
    p.setNow(new Date("2026-11-23T08:00:00Z"));
    const period = await p.owner
      .selectFrom("periods")
      .select("id")
      .where("tenant_id", "=", town())
      .where("key", "=", "restauration-2026-2027")
      .executeTakeFirstOrThrow();
    const res = await parent.post("/agenda/reserver", {
      periode: period.id,
      enfant: lucas,
      jour: "2027-03-06",
      cle: crypto.randomUUID(),
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("samedi 6 mars 2027 : Fermé.");
    expect(
      await p.owner.selectFrom("bookings").select("id").where("day", "=", "2027-03-06").execute(),
    ).toEqual([]);
  });

  it("answers 404 for another family's child or a forged id", async () => {
    const other = await p.owner
      .selectFrom("children")
      .innerJoin("tenants", "tenants.id", "children.tenant_id")
      .select("children.id")
      .where("tenants.slug", "=", "sene")
      .executeTakeFirstOrThrow();
    const period = await p.owner
      .selectFrom("periods")
      .select("id")
      .where("tenant_id", "=", town())
      .where("key", "=", "restauration-2026-2027")
      .executeTakeFirstOrThrow();
    expect(
      (await parent.get(`/agenda/reserver?periode=${period.id}&enfant=${other.id}&jour=2027-03-04`)).status,
    ).toBe(404);
    expect((await parent.get(`/agenda/reserver?periode=nope&enfant=${lucas}&jour=2027-03-04`)).status).toBe(
      404,
    );
    expect(
      (await parent.get(`/agenda/reserver?periode=${period.id}&enfant=${lucas}&jour=2027-02-30`)).status,
    ).toBe(404);
  });
});
