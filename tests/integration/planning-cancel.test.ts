import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { bookDays, type Family, family, postPairs, statusOf } from "./planning-calendar-setup.ts";

let p: TestPlatform;
let sene: Family;
let paul: string;
let emma: string;
const JAN_4 = new Date("2027-01-04T08:00:00Z");

beforeAll(async () => {
  p = await createTestPlatform();
  sene = await family(p, "sene", "1001", "lola.test@sene.test");
  [paul, emma] = sene.children.map((c) => c.id) as [string, string];
}, 120_000);
afterAll(() => p?.close());

const row = (id: string) =>
  p.owner
    .selectFrom("bookings")
    .select(["status", "late_cancel", "cancel_dossier_id"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();

describe("« Cette demande »", () => {
  it("cancels a day before the limit, free, and says so on « Mon planning »", async () => {
    const b = await bookDays(p, sene, "restauration-2026-2027", [paul], ["2027-01-07"], JAN_4);
    const id = b.rows[0]?.id as string;
    p.setNow(JAN_4);
    const page = await (await sene.web.get(`/planning/annuler?reservation=${id}`)).text();
    expect(page).toContain("jeudi 7 janvier 2027");
    expect(page).toContain("Ce jour sera annulé sans frais.");
    const cle = page.match(/name="cle" value="([0-9a-f-]+)"/)?.[1] as string;
    const res = await sene.web.post(`/planning/annuler?reservation=${id}`, { cle });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/planning?mois=2027-01&message=annulee");
    expect(await statusOf(p, id)).toBe("cancelled");
    const twice = await sene.web.post(`/planning/annuler?reservation=${id}`, { cle });
    expect(twice.status).toBe(303);
    const month = await (await sene.web.get(res.headers.get("location") as string)).text();
    expect(month).toContain('<p class="flash" role="status">L&#39;annulation est enregistrée.</p>');
  });

  it("after the limit with a billed late cancellation, needs the confirmation and keeps the day billed", async () => {
    const b = await bookDays(p, sene, "restauration-2026-2027", [paul], ["2027-01-14"], JAN_4);
    const id = b.rows[0]?.id as string;
    p.setNow(new Date("2027-01-13T12:00:00Z"));
    const page = await (await sene.web.get(`/planning/annuler?reservation=${id}`)).text();
    expect(page).toContain("le jour reste facturé");
    expect(page).toMatch(/name="tardive" value="1" id="f-tardive" required/);
    const refused = await sene.web.post(`/planning/annuler?reservation=${id}`, { cle: crypto.randomUUID() });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Cochez cette case pour confirmer l&#39;annulation tardive.");
    expect((await row(id)).status).toBe("accepted");
    const ok = await sene.web.post(`/planning/annuler?reservation=${id}`, {
      cle: crypto.randomUUID(),
      tardive: "1",
    });
    expect(ok.status).toBe(303);
    expect(await row(id)).toMatchObject({ status: "cancelled", late_cancel: true });
  });

  it("after the limit where the town refuses, says why in French and changes nothing", async () => {
    const b = await bookDays(p, sene, "mercredi-pompidou-2026-2027", [emma], ["2027-01-20"], JAN_4);
    const id = b.rows[0]?.id as string;
    p.setNow(new Date("2027-01-19T08:00:00Z"));
    const page = await (await sene.web.get(`/planning/annuler?reservation=${id}`)).text();
    expect(page).toContain("Annulation impossible : la limite était le 18/01/2027 12:00");
    expect(page).not.toContain('action="/planning/annuler?');
    const res = await sene.web.post(`/planning/annuler?reservation=${id}`, { cle: crypto.randomUUID() });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Annulation impossible");
    expect(await row(id)).toMatchObject({ status: "accepted", cancel_dossier_id: null });
  });
});

describe("review towns", () => {
  it("turn the cancellation of an accepted day into « Demande d'annulation »", async () => {
    const mairie = await family(p, "senneceylesdijon", "1001", "parent1.mairie@senneceylesdijon.test");
    const b = await bookDays(
      p,
      mairie,
      "mercredis-2026-2027",
      [mairie.children[0]?.id as string],
      ["2027-01-13"],
      JAN_4,
    );
    const id = b.rows[0]?.id as string;
    await p.owner.updateTable("bookings").set({ status: "accepted" }).where("id", "=", id).execute();
    p.setNow(JAN_4);
    const page = await (await mairie.web.get(`/planning/annuler?reservation=${id}`)).text();
    expect(page).toContain("Votre demande d'annulation sera transmise au service");
    const res = await mairie.web.post(`/planning/annuler?reservation=${id}`, { cle: crypto.randomUUID() });
    expect(res.headers.get("location")).toBe("/planning?mois=2027-01&message=annulation-demandee");
    expect(await statusOf(p, id)).toBe("cancel_requested");
    const month = await (await mairie.web.get(res.headers.get("location") as string)).text();
    expect(month).toContain("Votre demande d&#39;annulation a été transmise au service.");
    expect(month).toContain("Demande d&#39;annulation</span>");
  });
});

describe("« Plus de jours »", () => {
  const WEDNESDAYS = ["2027-02-03", "2027-02-10", "2027-02-17", "2027-03-10", "2027-03-17"];
  let booked: Awaited<ReturnType<typeof bookDays>>;

  beforeAll(async () => {
    booked = await bookDays(p, sene, "mercredi-pompidou-2026-2027", [paul, emma], WEDNESDAYS, JAN_4);
  });
  const idsOf = (days: string[]) => booked.rows.filter((r) => days.includes(r.day)).map((r) => r.id);
  const checked = (html: string) =>
    [...html.matchAll(/name="reservation" value="([0-9a-f-]+)" checked/g)].map((m) => m[1]);

  it("lists the period's days per child, and the recopy mode ticks the matching ones", async () => {
    p.setNow(JAN_4);
    const list = await (await sene.web.get(`/planning/annuler/plus?periode=${booked.periodId}`)).text();
    expect(list).toContain("<legend>Paul TEST</legend>");
    expect(list).toContain("mercredi 17 mars 2027");
    expect(checked(list)).toEqual([]);
    const recopied = await sene.web.get(
      `/planning/annuler/plus?periode=${booked.periodId}&du=2027-02-04&au=2027-03-10&jours=3`,
    );
    const html = await recopied.text();
    expect(recopied.status).toBe(200);
    expect(checked(html).sort()).toEqual(idsOf(["2027-02-10", "2027-02-17", "2027-03-10"]).sort());
    expect(html).toContain("6 jour(s) sélectionné(s)");
    const bad = await sene.web.get(
      `/planning/annuler/plus?periode=${booked.periodId}&du=2027-02-30&au=2027-03-10&jours=3`,
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Saisissez une date de début valide.");
  });

  it("confirms with what each day becomes, then cancels them all", async () => {
    p.setNow(JAN_4);
    const chosen = idsOf(["2027-02-03"]);
    const q = chosen.map((id) => `&reservation=${id}`).join("");
    const confirm = await (
      await sene.web.get(`/planning/annuler/plus?periode=${booked.periodId}&etape=confirmer${q}`)
    ).text();
    expect(confirm).toContain("mercredi 3 février 2027");
    expect(confirm).toContain("Annulé sans frais");
    const cle = confirm.match(/name="cle" value="([0-9a-f-]+)"/)?.[1] as string;
    const res = await postPairs(p, sene, `/planning/annuler/plus?periode=${booked.periodId}`, [
      ["cle", cle],
      ...chosen.map((id) => ["reservations", id] as [string, string]),
    ]);
    expect(res.status).toBe(303);
    for (const id of chosen) expect(await statusOf(p, id)).toBe("cancelled");
  });

  it("cancels none when one day cannot be, with the problems on top and the selection kept", async () => {
    const late = idsOf(["2027-02-10"]);
    const early = idsOf(["2027-03-17"]);
    p.setNow(new Date("2027-02-09T08:00:00Z"));
    const res = await postPairs(p, sene, `/planning/annuler/plus?periode=${booked.periodId}`, [
      ["cle", crypto.randomUUID()],
      ...[...late, ...early].map((id) => ["reservations", id] as [string, string]),
    ]);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Rien n'a été modifié");
    expect(html).toContain("mercredi 10 février 2027 : Annulation impossible");
    expect(checked(html).sort()).toEqual([...late, ...early].sort());
    for (const id of [...late, ...early]) expect(await statusOf(p, id)).toBe("accepted");
  });
});
