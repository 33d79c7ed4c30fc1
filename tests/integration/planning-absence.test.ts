import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// Absences: declared on the household's own accepted day, with a reason of the town's list;
// Plombières reviews them (« Absence en cours de traitement »), Séné applies them at once.

const PLOMBIERES = "plombieres.localhost:3000";
const SENE = "sene.localhost:3000";
const NOW = new Date("2026-11-23T08:00:00Z");
let p: TestPlatform;
let dupont: ReturnType<typeof client>;
let staff: ReturnType<typeof client>;
let lucas: string;

beforeAll(async () => {
  p = await createTestPlatform();
  const householdId = await completeFile(p, "plombieres", "1001001818331");
  await completeFile(p, "sene", "1001");
  lucas = (
    await p.owner
      .selectFrom("children")
      .select("id")
      .where("household_id", "=", householdId)
      .executeTakeFirstOrThrow()
  ).id;
  dupont = client(p.app, PLOMBIERES);
  expect((await dupont.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
  staff = client(p.app, PLOMBIERES);
  expect((await staff.login("admin@plombieres.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
  p.setNow(NOW);
}, 120_000);
afterAll(async () => {
  p?.setNow(null);
  await p?.close();
});

/** A restauration day booked through the agenda and accepted (as staff would). */
async function bookedDay(c: ReturnType<typeof client>, slug: string, childId: string, day: string) {
  const tenantId = p.tenants.get(slug) as string;
  const period = await p.owner
    .selectFrom("periods")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("key", "=", "restauration-2026-2027")
    .executeTakeFirstOrThrow();
  const res = await c.post("/agenda/reserver", {
    periode: period.id,
    enfant: childId,
    jour: day,
    cle: crypto.randomUUID(),
  });
  expect(res.status).toBe(303);
  const b = await p.owner
    .updateTable("bookings")
    .set({ status: "accepted" })
    .where("child_id", "=", childId)
    .where("day", "=", day)
    .returning("id")
    .executeTakeFirstOrThrow();
  return b.id;
}

const absencesOf = (bookingId: string) =>
  p.owner.selectFrom("absences").selectAll().where("booking_id", "=", bookingId).execute();
const attendance = async (id: string) =>
  (await p.owner.selectFrom("bookings").select("attendance").where("id", "=", id).executeTakeFirstOrThrow())
    .attendance;

describe("« Déclarer une absence »", () => {
  it("answers 404 for a booking that is not the household's", async () => {
    expect((await dupont.get(`/planning/absence?reservation=${crypto.randomUUID()}`)).status).toBe(404);
    expect(
      (await dupont.post(`/planning/absence?reservation=${crypto.randomUUID()}`, { motif: "maladie" }))
        .status,
    ).toBe(404);
    expect((await dupont.get("/planning/absence?reservation=abc")).status).toBe(404);
    expect((await dupont.get(`/planning/absences/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("refuses bad input with a French message at the field, saving nothing", async () => {
    const id = await bookedDay(dupont, "plombieres", lucas, "2027-01-07");
    const form = await (await dupont.get(`/planning/absence?reservation=${id}`)).text();
    expect(form).toContain("Rendez-vous médical");
    const other = await dupont.post(`/planning/absence?reservation=${id}`, {
      motif: "autre",
      precision: " ",
    });
    expect(other.status).toBe(422);
    const html = await other.text();
    expect(html).toContain('aria-describedby="f-precision-error"');
    expect(html).toContain("Précisez le motif de l&#39;absence.");
    const none = await dupont.post(`/planning/absence?reservation=${id}`, { motif: "vacances" });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain("Choisissez le motif de l&#39;absence.");
    expect(await absencesOf(id)).toEqual([]);
  });

  it("keeps a medical absence pending in Plombières, with the certificate due within 8 days", async () => {
    const id = await bookedDay(dupont, "plombieres", lucas, "2027-01-08");
    const res = await dupont.post(`/planning/absence?reservation=${id}`, { motif: "maladie", precision: "" });
    expect(res.status).toBe(303);
    const [a] = await absencesOf(id);
    expect(a).toMatchObject({
      status: "pending",
      medical: true,
      billed: false,
      certificate_due: "2027-01-16",
    });
    expect(await attendance(id)).toBeNull();
    expect(res.headers.get("location")).toBe(`/planning/absences/${a?.id}?message=declaree`);
    const page = await (await dupont.get(res.headers.get("location") as string)).text();
    expect(page).toContain("Absence en cours de traitement");
    expect(page).toContain("Déposez un justificatif médical avant le <strong>16/01/2027</strong>");
    const agenda = await (await dupont.get(`/agenda?mois=2027-01&enfant=${lucas}`)).text();
    expect(agenda).toContain("Absence en cours de traitement");
    const again = await dupont.post(`/planning/absence?reservation=${id}`, { motif: "convenance" });
    expect(again.status).toBe(422);
    expect(await again.text()).toContain("Une absence est déjà déclarée pour ce jour.");
  });

  it("refuses a past day", async () => {
    const id = await bookedDay(dupont, "plombieres", lucas, "2027-01-11");
    p.setNow(new Date("2027-01-12T08:00:00Z"));
    const res = await dupont.post(`/planning/absence?reservation=${id}`, { motif: "convenance" });
    p.setNow(NOW);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Ce jour est passé");
    expect(await absencesOf(id)).toEqual([]);
  });

  it("links an uploaded « Justificatif d'absence » to the absence", async () => {
    const id = await bookedDay(dupont, "plombieres", lucas, "2027-01-14");
    const res = await dupont.post(`/planning/absence?reservation=${id}`, { motif: "rdv_medical" });
    const absenceId = (res.headers.get("location") as string).split("/")[3]?.split("?")[0] as string;
    const empty = await upload(absenceId, null);
    expect(empty.status).toBe(422);
    const sent = await upload(absenceId, new Blob(["%PDF-1.4 certificat"], { type: "application/pdf" }));
    expect(sent.status).toBe(303);
    const [a] = await absencesOf(id);
    const doc = await p.owner
      .selectFrom("documents")
      .select(["type", "child_id"])
      .where("id", "=", a?.document_id as string)
      .executeTakeFirstOrThrow();
    expect(doc).toEqual({ type: "justificatif_absence", child_id: lucas });
    const list = await (await staff.get("/agents/planning/absences")).text();
    expect(list).toContain(`/agents/documents/${a?.document_id}/fichier`);
  });

  it("applies an absence at once where the town does not review them (Séné)", async () => {
    const lola = client(p.app, SENE);
    expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
    const household = await p.owner
      .selectFrom("households")
      .select("id")
      .where("tenant_id", "=", p.tenants.get("sene") as string)
      .where("number", "=", "1001")
      .executeTakeFirstOrThrow();
    const paul = await p.owner
      .selectFrom("children")
      .select("id")
      .where("household_id", "=", household.id)
      .where("first_name", "=", "Paul")
      .executeTakeFirstOrThrow();
    const sick = await bookedDay(lola, "sene", paul.id, "2027-01-07");
    const away = await bookedDay(lola, "sene", paul.id, "2027-01-08");
    expect((await lola.post(`/planning/absence?reservation=${sick}`, { motif: "maladie" })).status).toBe(303);
    expect((await lola.post(`/planning/absence?reservation=${away}`, { motif: "convenance" })).status).toBe(
      303,
    );
    expect((await absencesOf(sick))[0]?.status).toBe("accepted");
    expect(await attendance(sick)).toBe("absent_excused");
    expect(await attendance(away)).toBe("absent_billed");
  });
});

type Pair = { booking: string; absence: string };

/** The household's e-mail with that subject, sent after `since` (the relay is asynchronous). */
async function mailAbout(subject: string, since: number) {
  for (let i = 0; i < 100; i++) {
    const found = p.mailbox.list().find((m) => m.id > since && m.subject.startsWith(subject));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no e-mail « ${subject} »`);
}

async function upload(absenceId: string, file: Blob | null) {
  const body = new FormData();
  if (file) body.append("file", file, "certificat.pdf");
  const cookie = [...dupont.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  return p.app.request(`http://127.0.0.1/planning/absences/${absenceId}/justificatif`, {
    method: "POST",
    headers: { Host: PLOMBIERES, Cookie: cookie, Origin: `http://${PLOMBIERES}` },
    body,
    redirect: "manual",
  });
}

describe("staff decide absences", () => {
  it("accepts one, refuses one with a reason (required), e-mails the family, and handles a selection", async () => {
    const ids: Pair[] = [];
    for (const day of ["2027-01-18", "2027-01-19", "2027-01-21", "2027-01-22"]) {
      const b = await bookedDay(dupont, "plombieres", lucas, day);
      expect((await dupont.post(`/planning/absence?reservation=${b}`, { motif: "convenance" })).status).toBe(
        303,
      );
      ids.push({ booking: b, absence: (await absencesOf(b))[0]?.id as string });
    }
    const [one, two, three, four] = ids as [Pair, Pair, Pair, Pair];
    const list = await (await staff.get("/agents/planning/absences")).text();
    expect(list).toContain("lundi 18 janvier 2027");
    const since = p.mailbox.list().at(-1)?.id ?? 0;
    expect((await staff.post(`/agents/planning/absences/${one.absence}/accepter`)).status).toBe(303);
    expect(await attendance(one.booking)).toBe("absent_billed");
    expect((await mailAbout("Votre déclaration d'absence a été acceptée", since)).text).toContain(
      "« absent facturé »",
    );

    const noReason = await staff.post(`/agents/planning/absences/${two.absence}/refuser`, {
      [`motif_${two.absence}`]: "",
    });
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain("Indiquez le motif du refus");
    const since2 = p.mailbox.list().at(-1)?.id ?? 0;
    const refused = await staff.post(`/agents/planning/absences/${two.absence}/refuser`, {
      [`motif_${two.absence}`]: "Repas déjà commandé",
    });
    expect(refused.status).toBe(303);
    const mail = await mailAbout("Votre déclaration d'absence a été refusée", since2);
    expect(mail.text).toContain("Repas déjà commandé");
    expect(await attendance(two.booking)).toBeNull();

    const bulk = new URLSearchParams([
      ["ids", three.absence],
      ["ids", four.absence],
      ["decision", "accepter"],
    ]);
    const res = await staff.post("/agents/planning/absences/lot", { decision: "accepter" });
    expect(res.status).toBe(422);
    const done = await p.app.request("http://127.0.0.1/agents/planning/absences/lot", {
      method: "POST",
      headers: {
        Host: PLOMBIERES,
        Origin: `http://${PLOMBIERES}`,
        Cookie: [...staff.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: bulk.toString(),
      redirect: "manual",
    });
    expect(done.status).toBe(303);
    expect(await attendance(three.booking)).toBe("absent_billed");
    expect(await attendance(four.booking)).toBe("absent_billed");
    const otherTown = client(p.app, SENE);
    expect((await otherTown.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
    expect((await otherTown.post(`/agents/planning/absences/${two.absence}/accepter`)).status).toBe(404);
    expect((await staff.post(`/agents/planning/absences/${one.absence}/accepter`)).status).toBe(409);

    const requests = await (await dupont.get("/demandes?groupe=enfants&type=absences")).text();
    expect(requests).toContain("Déclaration d&#39;absence");
    expect(requests).toContain("Repas déjà commandé");
    const bookings = await (await dupont.get("/demandes?groupe=enfants&type=reservations")).text();
    expect(bookings).toContain("Demande de réservation");
    expect(bookings).toContain(
      "Lucas DUPONT – Garderie périscolaire › Restauration scolaire – lundi 18 janvier 2027",
    );
    expect(bookings).not.toContain("Déclaration d&#39;absence");
  });
});
