/**
 * Occupancy and the waiting list (Séné, Wednesdays; rules set per test as the offer admin
 * would): booked / capacity / waiting per day, the day's children and waiting list, and a
 * freed place going to the first in line — given ("auto") or offered ("offer"), by e-mail —
 * whether staff refuse a day, hand the place over, or a parent cancels (through the job).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import {
  booking,
  type Family,
  family,
  mailAbout,
  parentBooks,
  parentCancels,
  periodOf,
  setRules,
  taken,
} from "./planning-review-fixture.ts";

const NOW = new Date("2026-12-01T08:00:00Z");
let p: TestPlatform;
let test: Family;
let period: { id: string; service_id: string };
let staff: ReturnType<typeof client>;

beforeAll(async () => {
  p = await createTestPlatform();
  test = await family(p, "sene", "1001");
  period = await periodOf(p, test, "mercredi-pompidou-2026-2027");
  staff = client(p.app, "sene.localhost:3000", { ip: "192.0.2.10" });
  expect((await staff.login("admin@sene.test", DEMO_PASSWORD, "/agents")).status).toBe(303);
}, 120_000);
afterAll(() => p?.close());

/** Both children on one day with one place: the first holds it, the second waits. */
async function oneForTwo(day: string) {
  const d = await parentBooks(p, test, period.id, ["Paul", "Emma-Rose"], [day], NOW);
  const holder = d.rows.find((r) => r.status !== "waiting");
  const waiting = d.rows.find((r) => r.status === "waiting");
  if (!holder || !waiting) throw new Error("expected one place and one waiting");
  return { holder: holder.id, waiting: waiting.id };
}
const dayPage = (day: string) => `/agents/planning/occupation/jour?periode=${period.id}&jour=${day}`;
const childName = async (bookingId: string) => {
  const b = await booking(p, bookingId);
  const c = await p.owner
    .selectFrom("children")
    .select(["first_name", "last_name"])
    .where("id", "=", b.child_id)
    .executeTakeFirstOrThrow();
  return `${c.first_name} ${c.last_name}`;
};

describe("occupancy and waiting list", () => {
  it("shows booked / capacity / waiting per open day, « Complet », and the day's lists", async () => {
    await setRules(p, period.id, {
      payment: "invoiced",
      acceptance: "review",
      capacity: 1,
      waitingList: "auto",
    });
    const { holder, waiting } = await oneForTwo("2027-01-13");
    const month = await staff.get(`/agents/planning/occupation?service=${period.service_id}&mois=2027-01`);
    expect(month.status).toBe(200);
    const html = await month.text();
    const row = html.match(/<tr class="occupancy-full">[\s\S]*?<\/tr>/)?.[0] ?? "";
    expect(row).toContain("mercredi 13 janvier 2027");
    expect(row).toMatch(/<td>1 \/ 1<\/td>\s*<td>1<\/td>\s*<td>Complet<\/td>/);
    expect(html).toContain("mercredi 20 janvier 2027");
    expect(html).not.toContain("jeudi 14 janvier 2027");

    const day = await (await staff.get(dayPage("2027-01-13"))).text();
    expect(day).toContain(await childName(holder));
    expect(day).toMatch(new RegExp(`<ol class="waiting-list">\\s*<li>${await childName(waiting)}`));
    expect(day).not.toContain("Attribuer la place");

    // Staff refuse the holder: the place goes at once to the first waiting, told by e-mail.
    const res = await staff.post("/agents/planning/demandes", [
      ["decision", "refuser"],
      ["motif", "Erreur de groupe"],
      ["reservations", holder],
    ]);
    expect(res.status).toBe(303);
    const w = await booking(p, waiting);
    expect([w.status, w.holds_place]).toEqual(["pending", true]);
    expect(await taken(p, period.id, "2027-01-13")).toBe(1);
    const mail = await mailAbout(p, test.email, "Une place s'est libérée");
    expect(mail.text).toContain("mercredi 13 janvier 2027");
  });

  it("offers a place freed by a larger capacity with « Proposer la place », only when one is free", async () => {
    await setRules(p, period.id, { payment: "invoiced", capacity: 1, waitingList: "offer" });
    const { waiting } = await oneForTwo("2027-01-20");
    expect(await (await staff.get(dayPage("2027-01-20"))).text()).not.toContain("Proposer la place");
    await setRules(p, period.id, { payment: "invoiced", capacity: 2, waitingList: "offer" });
    const html = await (await staff.get(dayPage("2027-01-20"))).text();
    expect(html).toContain(`Proposer la place<span class="visually-hidden"> à ${await childName(waiting)}`);
    const res = await staff.post("/agents/planning/occupation/jour", {
      periode: period.id,
      jour: "2027-01-20",
    });
    expect(res.headers.get("location")).toContain("message=place-attribuee");
    const w = await booking(p, waiting);
    expect([w.status, w.holds_place]).toEqual(["offered", true]);
    expect(await taken(p, period.id, "2027-01-20")).toBe(2);
    await mailAbout(p, test.email, "Une place vous est proposée");
    const after = await (await staff.get(res.headers.get("location") as string)).text();
    expect(after).toContain("Personne sur la liste d'attente.");
    expect(after).toContain("La place libre est allée au premier de la liste d&#39;attente");
  });

  it("gives the place at once with « Attribuer la place » in auto mode", async () => {
    await setRules(p, period.id, { payment: "invoiced", capacity: 1, waitingList: "auto" });
    const { waiting } = await oneForTwo("2027-01-27");
    await setRules(p, period.id, { payment: "invoiced", capacity: 2, waitingList: "auto" });
    expect(await (await staff.get(dayPage("2027-01-27"))).text()).toContain("Attribuer la place");
    await staff.post("/agents/planning/occupation/jour", { periode: period.id, jour: "2027-01-27" });
    expect((await booking(p, waiting)).status).toBe("accepted");
  });

  it("promotes the first waiting through the job when a parent cancels", async () => {
    await setRules(p, period.id, { payment: "invoiced", capacity: 1, waitingList: "offer" });
    const { holder, waiting } = await oneForTwo("2027-02-03");
    const before = p.mailbox.list()[0]?.id ?? 0;
    await parentCancels(p, test, [holder], NOW);
    expect((await booking(p, holder)).status).toBe("cancelled");
    const mail = await mailAbout(p, test.email, "Une place vous est proposée", before);
    expect(mail.text).toContain("mercredi 3 février 2027");
    const w = await booking(p, waiting);
    expect([w.status, w.holds_place]).toEqual(["offered", true]);
    expect(await taken(p, period.id, "2027-02-03")).toBe(1);
  });

  it("defaults to the first service and this month; bad parameters are not found", async () => {
    p.setNow(new Date("2027-01-10T10:00:00Z"));
    try {
      const html = await (await staff.get("/agents/planning/occupation")).text();
      expect(html).toContain("janvier 2027");
      expect(html).toContain("mercredi 13 janvier 2027");
    } finally {
      p.setNow(null);
    }
    expect((await staff.get("/agents/planning/occupation?service=abc")).status).toBe(404);
    expect(
      (await staff.get(`/agents/planning/occupation/jour?periode=${period.id}&jour=2027-13-45`)).status,
    ).toBe(404);
    expect(
      (await staff.get(`/agents/planning/occupation/jour?periode=${crypto.randomUUID()}&jour=2027-01-13`))
        .status,
    ).toBe(404);
  });
});
