import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// « Inscriptions » (issue 15) as a Plombières family: the canteen four days a week for the
// year, accepted by staff, booked in one step with holidays skipped and capacity kept.

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let parent: ReturnType<typeof client>;
let staff: ReturnType<typeof client>;
let lucas: string;
let period: string;

const town = () => p.tenants.get("plombieres") as string;
const enrolments = () =>
  p.owner
    .selectFrom("enrolments")
    .selectAll()
    .where("child_id", "=", lucas)
    .where("period_id", "=", period)
    .execute();
const booked = async () =>
  (
    await p.owner
      .selectFrom("bookings")
      .select("day")
      .where("child_id", "=", lucas)
      .where("period_id", "=", period)
      .where("status", "=", "accepted")
      .orderBy("day")
      .execute()
  ).map((b) => b.day);
const enrol = (form: Record<string, string> | [string, string][]) =>
  parent.post("/inscriptions/nouvelle", form);
const regular = (debut: string, days = ["1", "2", "4", "5"]): [string, string][] => [
  ["enfant", lucas],
  ["periode", period],
  ["mode", "regular"],
  ["debut", debut],
  ...days.map((d): [string, string] => ["jours", d]),
];

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
  period = (
    await p.owner
      .selectFrom("periods")
      .select("id")
      .where("tenant_id", "=", town())
      .where("key", "=", "restauration-2026-2027")
      .executeTakeFirstOrThrow()
  ).id;
  // The demo gives Lucas an « à la carte » enrolment for the canteen: this family starts without.
  await p.owner
    .deleteFrom("enrolments")
    .where("child_id", "=", lucas)
    .where("period_id", "=", period)
    .execute();
  parent = client(p.app, HOST, { ip: "192.0.2.11" });
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
  staff = client(p.app, HOST, { ip: "192.0.2.12" });
  expect((await staff.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
  p.setNow(new Date("2026-08-20T08:00:00Z"));
}, 120_000);
afterAll(async () => {
  p?.setNow(null);
  await p?.close();
});

describe("« Nouvelle inscription » (parents)", () => {
  it("refuses a day-by-day booking of a service that needs an accepted enrolment", async () => {
    const res = await parent.post("/agenda/reserver", {
      periode: period,
      enfant: lucas,
      jour: "2026-09-03",
      cle: "6f1c1d1e-0000-4000-8000-000000000001",
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("ce service demande une inscription acceptée");
    expect(await booked()).toEqual([]);
  });

  it("tells each bad input at its field and saves nothing", async () => {
    const outside = await enrol(regular("2027-08-01"));
    expect(outside.status).toBe(422);
    const html = await outside.text();
    expect(html).toContain('aria-describedby="f-debut-hint f-debut-error"');
    expect(html).toContain("La date de début doit être comprise entre le 01/09/2026 et le 02/07/2027.");
    const wednesday = await (await enrol(regular("2026-09-01", ["1", "3"]))).text();
    expect(wednesday).toContain("Ce service ne fonctionne pas le mercredi.");
    const noDay = await (await enrol(regular("2026-09-01", []))).text();
    expect(noDay).toContain("Cochez au moins un jour de la semaine.");
    await p.owner
      .updateTable("services")
      .set({ eligibility: JSON.stringify({ maxAge: 6 }) })
      .where("key", "=", "restauration")
      .where("tenant_id", "=", town())
      .execute();
    const tooOld = await enrol(regular("2026-09-01"));
    expect(tooOld.status).toBe(422);
    expect(await tooOld.text()).toContain("Réservé aux enfants de 6 ans au plus : cet enfant ne peut pas");
    await p.owner
      .updateTable("services")
      .set({ eligibility: "{}" })
      .where("key", "=", "restauration")
      .where("tenant_id", "=", town())
      .execute();
    await p.owner
      .updateTable("services")
      .set({ rules: sql`rules || '{"enrolmentDocuments": ["autorisation_parentale"]}'::jsonb` })
      .where("key", "=", "restauration")
      .where("tenant_id", "=", town())
      .execute();
    const noDocument = await enrol(regular("2026-09-01"));
    expect(noDocument.status).toBe(422);
    expect(await noDocument.text()).toContain(
      "Joignez ce document : le service le demande (Autorisation parentale).",
    );
    await p.owner
      .updateTable("services")
      .set({ rules: sql`rules - 'enrolmentDocuments'` })
      .where("key", "=", "restauration")
      .where("tenant_id", "=", town())
      .execute();
    expect(await enrolments()).toEqual([]);
  });

  it("sends a regular request « en attente », shown in « Inscriptions en cours », once", async () => {
    const res = await enrol(regular("2026-09-01"));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/inscriptions?message=envoyee");
    const again = await enrol(regular("2026-09-01"));
    expect(await again.text()).toContain(
      "Une inscription est déjà en cours pour cet enfant sur cette période.",
    );
    const list = await (await parent.get("/inscriptions")).text();
    expect(list).toContain("<h2>Lucas DUPONT</h2>");
    expect(list).toContain("Restauration scolaire › Restauration scolaire 2026-2027");
    expect(list).toContain("Régulier : lundi, mardi, jeudi, vendredi");
    expect(list).toContain("En attente");
    expect((await enrolments()).map((e) => e.status)).toEqual(["pending"]);
  });
});

describe("« Inscriptions à traiter » (staff)", () => {
  it("is for staff only", async () => {
    expect((await parent.get("/agents/inscriptions")).status).toBe(403);
  });

  it("puts the request on the waiting list when a day of its pattern is full", async () => {
    await sql`insert into occupancy (tenant_id, period_id, day, taken) values (${town()}, ${period}, '2026-09-03', 150)`.execute(
      p.owner,
    );
    const [e] = await enrolments();
    await p.owner
      .updateTable("services")
      .set({ rules: sql`rules || '{"enrolmentDocuments": ["brevet_natation"]}'::jsonb` })
      .where("key", "=", "restauration")
      .where("tenant_id", "=", town())
      .execute();
    const html = await (await staff.get("/agents/inscriptions")).text();
    expect(html).toContain("Lucas DUPONT");
    expect(html).toContain("<li>Manquant : Brevet de natation</li>");
    await p.owner
      .updateTable("services")
      .set({ rules: sql`rules - 'enrolmentDocuments'` })
      .where("key", "=", "restauration")
      .where("tenant_id", "=", town())
      .execute();
    const res = await staff.post("/agents/inscriptions", [
      ["inscriptions", e?.id as string],
      ["decision", "accepter"],
    ]);
    expect(res.status).toBe(303);
    expect((await enrolments()).map((x) => x.status)).toEqual(["waiting"]);
    expect(await booked()).toEqual([]);
    const mail = await p.mailbox.waitFor("jean.dupont@plombieres.test");
    expect(mail.subject).toBe("Inscription sur liste d'attente pour votre enfant – Plombières-lès-Dijon");
    expect(mail.text).toContain("Lucas DUPONT à Garderie périscolaire › Restauration scolaire");
  });

  it("serves the waiting list when a place frees up: the whole year is booked, holidays skipped", async () => {
    await p.owner.updateTable("occupancy").set({ taken: 149 }).where("period_id", "=", period).execute();
    const res = await staff.post("/agents/inscriptions/liste-attente", { periode: period });
    expect(res.status).toBe(303);
    const [e] = await enrolments();
    expect(e?.status).toBe("accepted");
    const days = await booked();
    expect(e?.booked_days).toBe(days.length);
    expect(days[0]).toBe("2026-09-01");
    expect(days).toContain("2026-09-03");
    expect(days).not.toContain("2026-09-02"); // Wednesday
    expect(days).not.toContain("2026-10-19"); // Toussaint holidays
    expect(days).toContain("2026-11-02"); // classes resume
    expect(days).not.toContain("2026-11-11"); // Armistice
    expect(days).not.toContain("2027-05-06"); // Ascension
    expect(days.at(-1)).toBe("2027-07-02");
    const full = await p.owner
      .selectFrom("occupancy")
      .select("taken")
      .where("period_id", "=", period)
      .where("day", "=", "2026-09-03")
      .executeTakeFirstOrThrow();
    expect(full.taken).toBe(150);
    const requests = await (await parent.get("/demandes?groupe=enfants&type=inscriptions")).text();
    expect(requests).toContain(
      "Lucas DUPONT – Garderie périscolaire › Restauration scolaire › Restauration scolaire 2026-2027",
    );
    expect(requests).toContain("Demandes acceptées");
    const agenda = await (await parent.get(`/agenda?mois=2026-09&enfant=${lucas}`)).text();
    expect(agenda).toContain("Réservé");
  });

  it("asks a reason before refusing", async () => {
    await p.owner
      .updateTable("enrolments")
      .set({ status: "pending" })
      .where("child_id", "=", lucas)
      .execute();
    const [e] = await enrolments();
    const noReason = await staff.post("/agents/inscriptions", [
      ["inscriptions", e?.id as string],
      ["decision", "refuser"],
    ]);
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain("Indiquez le motif du refus");
    await p.owner
      .updateTable("enrolments")
      .set({ status: "accepted" })
      .where("child_id", "=", lucas)
      .execute();
  });
});

describe("ending an accepted enrolment (parents)", () => {
  it("refuses a date inside the notice, then cancels the days from the chosen date and frees their places", async () => {
    const [e] = await enrolments();
    const early = await parent.post(`/inscriptions/${e?.id}/terminer`, { fin: "2026-08-20" });
    expect(early.status).toBe(422);
    expect(await early.text()).toContain("La date de fin doit être comprise entre le 01/09/2026");
    const res = await parent.post(`/inscriptions/${e?.id}/terminer`, { fin: "2027-01-04" });
    expect(res.status).toBe(303);
    const days = await booked();
    expect(days.at(-1)).toBe("2026-12-18");
    const [ended] = await enrolments();
    expect(ended?.status).toBe("ended");
    expect(ended?.ends_on).toBe("2027-01-03");
  });

  it("gives 404 for another household's enrolment and leaves it alone", async () => {
    const martin = await p.owner
      .selectFrom("households")
      .select("id")
      .where("number", "=", "1001001818332")
      .executeTakeFirstOrThrow();
    const child = await p.owner
      .insertInto("children")
      .values({
        tenant_id: town(),
        household_id: martin.id,
        first_name: "Léa",
        last_name: "MARTIN",
        birth_date: "2018-02-01",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const theirs = await p.owner
      .insertInto("enrolments")
      .values({
        tenant_id: town(),
        household_id: martin.id,
        child_id: child.id,
        period_id: period,
        service_id: sql<string>`(select service_id from periods where id = ${period})`,
        mode: "a_la_carte",
        starts_on: "2026-09-01",
        ends_on: "2027-07-02",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect((await parent.post(`/inscriptions/${theirs.id}/retirer`)).status).toBe(404);
    expect((await parent.post(`/inscriptions/${theirs.id}/terminer`, { fin: "2026-10-01" })).status).toBe(
      404,
    );
    expect(await (await parent.get("/inscriptions")).text()).not.toContain("Léa");
    const row = await p.owner
      .selectFrom("enrolments")
      .select("status")
      .where("id", "=", theirs.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
  });
});

describe("« Mes tarifs » (parents)", () => {
  const lucasRow = (html: string, service: string) => {
    const at = html.indexOf(`<th scope="row">${service}</th>`);
    // Intl writes « 4,95 € » with a narrow no-break space.
    return html.slice(at, html.indexOf("</tr>", at)).replace(/\u202f|\u00a0/g, " ");
  };

  it("shows each service's price today with the bracket, residence and why", async () => {
    p.setNow(new Date("2026-11-23T08:00:00Z"));
    const before = await (await parent.get("/tarifs")).text();
    const canteen = lucasRow(before, "Garderie périscolaire › Restauration scolaire");
    expect(canteen).toContain("4,95 € par repas");
    expect(canteen).toContain("Tranche 3 : QF à partir de 901");
    expect(canteen).toContain("Aucune attestation QF validée");
    expect(canteen).toContain("Hors commune");
    const { household_id: household } = await p.owner
      .selectFrom("children")
      .select("household_id")
      .where("id", "=", lucas)
      .executeTakeFirstOrThrow();
    await p.owner
      .updateTable("households")
      .set({ family_quotient: 640, postal_code: "21370" })
      .where("id", "=", household)
      .execute();
    await p.owner
      .insertInto("documents")
      .values({
        tenant_id: town(),
        household_id: household,
        type: "attestation_qf",
        filename: "qf.pdf",
        mime: "application/pdf",
        size: 8,
        sha256: "0".repeat(64),
        content: Buffer.from("%PDF-1.4"),
        state: "validated",
        uploaded_by: (
          await p.owner
            .selectFrom("users")
            .select("id")
            .where("login", "=", "jdupont")
            .executeTakeFirstOrThrow()
        ).id,
      })
      .execute();
    const after = lucasRow(
      await (await parent.get("/tarifs")).text(),
      "Garderie périscolaire › Restauration scolaire",
    );
    expect(after).toContain("4,10 € par repas");
    expect(after).toContain("Tranche 2 : QF de 501 à 900");
    expect(after).toContain("Quotient familial retenu : 640 (attestation validée).");
    expect(after).toContain("Résident");
  });
});
