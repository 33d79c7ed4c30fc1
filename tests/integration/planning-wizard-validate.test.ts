import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { client } from "../helpers/client.ts";
import { completeFile, payAfterwards } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// « Valider » (POST /planning/reserver/valider): all days of all children in one dossier or
// none, whatever the input; the confirmation page and e-mail; a second click books nothing.

const SENE = "sene.localhost:3000";
const NOW = new Date("2026-12-01T08:00:00Z");
let p: TestPlatform;
let household: string;
let paul: string;
let emma: string;
let enfant1: string;
let mercredis: string;
let cantine: string;

beforeAll(async () => {
  p = await createTestPlatform();
  household = await completeFile(p, "sene", "1001");
  await payAfterwards(p, "sene");
  const kids = await p.owner.selectFrom("children").select(["id", "first_name"]).execute();
  paul = kids.find((k) => k.first_name === "Paul")?.id as string;
  emma = kids.find((k) => k.first_name === "Emma-Rose")?.id as string;
  enfant1 = kids.find((k) => k.first_name === "Enfant 1")?.id as string;
  mercredis = await periodId("mercredi-pompidou-2026-2027");
  cantine = await periodId("restauration-2026-2027");
}, 120_000);
afterAll(() => p?.close());
afterEach(() => p.setNow(null));

async function periodId(key: string) {
  const row = await p.owner
    .selectFrom("periods")
    .innerJoin("tenants", "tenants.id", "periods.tenant_id")
    .select("periods.id")
    .where("tenants.slug", "=", "sene")
    .where("periods.key", "=", key)
    .executeTakeFirstOrThrow();
  return row.id;
}

type Client = Awaited<ReturnType<typeof lola>>;

async function lola() {
  const c = client(p.app, SENE);
  expect((await c.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
  return c;
}

/** Posts the wizard's fields, repeated ones included (URLSearchParams keeps the repeats). */
function valider(c: Client, f: { periode: string; enfants: string[]; jours: string[]; cle?: string }) {
  const form = new URLSearchParams([
    ["periode", f.periode],
    ...f.enfants.map((e) => ["enfants", e]),
    ...f.jours.map((j) => ["jours", j]),
    ["cle", f.cle ?? crypto.randomUUID()],
  ]);
  return c.send("POST", "/planning/reserver/valider", { form: form as unknown as Record<string, string> });
}

const bookingCount = async () =>
  Number(
    (
      await p.owner
        .selectFrom("bookings")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("household_id", "=", household)
        .executeTakeFirstOrThrow()
    ).n,
  );

async function expectRefused(res: Response, message: string, before: number) {
  expect(res.status).toBe(422);
  const html = await res.text();
  expect(html).toContain('<div class="form-error" role="alert">');
  expect(html).toContain(message);
  expect(await bookingCount()).toBe(before);
  return html;
}

describe("« Valider »", () => {
  it("books both children in one dossier, confirms it on a page and by e-mail", async () => {
    p.setNow(NOW);
    const c = await lola();
    const recap = await (
      await c.get(
        `/planning/reserver/recapitulatif?enfants=${paul}&enfants=${emma}&periode=${mercredis}&jours=2027-01-06&jours=2027-01-13`,
      )
    ).text();
    const cle = /name="cle" value="([0-9a-f-]{36})"/.exec(recap)?.[1] as string;
    const res = await valider(c, {
      periode: mercredis,
      enfants: [paul, emma],
      jours: ["2027-01-06", "2027-01-13"],
      cle,
    });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") as string;
    expect(location).toMatch(/^\/planning\/reserver\/confirmation\/[0-9a-f-]{36}$/);
    const page = await (await c.get(location)).text();
    const number = /Votre demande n° (\d+) a été enregistrée/.exec(page)?.[1];
    expect(number).toBeDefined();
    expect(page).toContain("mercredi 13 janvier 2027 : Acceptée");
    expect(page).toContain('<a href="/planning/reserver">+ Nouvelle réservation</a>');
    const mail = await p.mailbox.waitFor("lola.test@sene.test");
    expect(mail.subject).toContain(`n° ${number}`);
    expect(mail.text).toContain("mercredi 6 janvier 2027 : acceptée");

    const again = await valider(c, { periode: mercredis, enfants: [paul, emma], jours: ["2027-01-06"], cle });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe(location);
    expect(await bookingCount()).toBe(4);
    const other = await client(p.app, "senneceylesdijon.localhost:3000").get(location);
    expect(other.status).not.toBe(200);
  });

  it("a double click racing the same key makes one dossier", async () => {
    p.setNow(NOW);
    const c = await lola();
    const before = await bookingCount();
    const f = { periode: mercredis, enfants: [paul], jours: ["2027-02-03"], cle: crypto.randomUUID() };
    const [a, b] = await Promise.all([valider(c, f), valider(c, f)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.get("location")).toBe(b.headers.get("location"));
    expect(await bookingCount()).toBe(before + 1);
  });

  it.each([
    ["a day outside the period", "2027-07-07", "Hors période"],
    ["a closed day", "2026-12-08", "mardi 8 décembre 2026 : Fermé."],
    ["a forged date", "2027-02-30", "Une des dates choisies n&#39;est pas valide."],
    ["a day too late", "2026-12-02", "mercredi 2 décembre 2026 : Trop tard"],
  ])("refuses %s (422), nothing saved, the selection kept", async (_what, day, message) => {
    p.setNow(NOW);
    const c = await lola();
    const before = await bookingCount();
    const res = await valider(c, { periode: mercredis, enfants: [paul], jours: ["2027-03-17", day] });
    const html = await expectRefused(res, message, before);
    expect(html).toContain('value="2027-03-17" checked');
  });

  it("a child of another household is not found (404)", async () => {
    const c = await lola();
    const before = await bookingCount();
    const res = await valider(c, { periode: mercredis, enfants: [paul, enfant1], jours: ["2027-03-24"] });
    expect(res.status).toBe(404);
    expect(await bookingCount()).toBe(before);
  });

  it("refuses a service the child may not use", async () => {
    await p.owner.updateTable("children").set({ class_level: "GS" }).where("id", "=", emma).execute();
    try {
      const c = await lola();
      const before = await bookingCount();
      const res = await valider(c, { periode: mercredis, enfants: [paul, emma], jours: ["2027-03-24"] });
      await expectRefused(res, "Réservé aux classes CP, CE1, CE2, CM1, CM2", before);
    } finally {
      await p.owner.updateTable("children").set({ class_level: "CE1" }).where("id", "=", emma).execute();
    }
  });

  it("refuses an incomplete file", async () => {
    await p.owner
      .updateTable("health_records")
      .set({ doctor_name: null })
      .where("child_id", "=", paul)
      .execute();
    try {
      const c = await lola();
      const before = await bookingCount();
      const res = await valider(c, { periode: mercredis, enfants: [paul], jours: ["2027-03-24"] });
      await expectRefused(res, "Réservation impossible pour Paul TEST : formulaire incomplet.", before);
    } finally {
      await p.owner
        .updateTable("health_records")
        .set({ doctor_name: "Dr Martin" })
        .where("child_id", "=", paul)
        .execute();
    }
  });
});

describe("full days", () => {
  async function fill(periodId: string, day: string, taken: number) {
    const tenantId = p.tenants.get("sene") as string;
    await p.owner
      .insertInto("occupancy")
      .values({ tenant_id: tenantId, period_id: periodId, day, taken })
      .onConflict((oc) => oc.columns(["tenant_id", "period_id", "day"]).doUpdateSet({ taken }))
      .execute();
  }

  it("without a waiting list: « Complet », not selectable, and Valider refused (422)", async () => {
    await fill(cantine, "2027-03-18", 400);
    const c = await lola();
    const planning = await (
      await c.get(`/planning/reserver/planning?enfants=${paul}&periode=${cantine}`)
    ).text();
    expect(planning).toContain('id="note-2027-03-18">Complet<');
    expect(planning).not.toContain('value="2027-03-18"');
    const before = await bookingCount();
    const res = await valider(c, { periode: cantine, enfants: [paul], jours: ["2027-03-18", "2027-03-19"] });
    await expectRefused(res, "jeudi 18 mars 2027 : complet, plus de place disponible.", before);
    const occupancy = await p.owner
      .selectFrom("occupancy")
      .select(["day", "taken"])
      .where("period_id", "=", cantine)
      .where("day", "in", ["2027-03-18", "2027-03-19"])
      .orderBy("day")
      .execute();
    expect(occupancy.map((o) => o.taken)).toEqual([400]);
  });

  it("with a waiting list: selectable « Complet – liste d'attente », booked as waiting", async () => {
    await fill(mercredis, "2027-03-31", 96);
    const c = await lola();
    const planning = await (
      await c.get(`/planning/reserver/planning?enfants=${paul}&periode=${mercredis}`)
    ).text();
    expect(planning).toContain('value="2027-03-31" aria-describedby="note-2027-03-31"');
    expect(planning).toContain('id="note-2027-03-31">Complet – liste d&#39;attente<');
    const recap = await (
      await c.get(`/planning/reserver/recapitulatif?enfants=${paul}&periode=${mercredis}&jours=2027-03-31`)
    ).text();
    expect(recap).toContain("<td>mercredi 31 mars 2027</td><td>Liste d&#39;attente</td>");
    const res = await valider(c, { periode: mercredis, enfants: [paul], jours: ["2027-03-31"] });
    expect(res.status).toBe(303);
    const row = await p.owner
      .selectFrom("bookings")
      .select("status")
      .where("child_id", "=", paul)
      .where("day", "=", "2027-03-31")
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("waiting");
  });
});
