import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { townJobs } from "../../src/db/database.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { createBasketExpiryJob } from "../../src/features/billing/basket/basket-job.ts";
import { settleAttempt } from "../../src/features/billing/payments/online/online-payment.ts";
import { euros } from "../../src/features/billing/pricing/pricing.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { createSeneParent } from "../helpers/auth-fixture.ts";
import { client } from "../helpers/client.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// « Mon panier » (issue 5 item 8, Séné MERCREDIS paid at booking): one basket and one
// deadline per régie, paid through PayFiP into an invoice, or expired with its places freed.

const SENE = "sene.localhost:3000";
const NOW = new Date("2026-12-01T08:00:00Z"); // 09:00 in Paris: the basket is due at 11:00
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
let p: TestPlatform;
let sim: RunningSimulator;
let tenant: Tenant;
let household: string;
let period: string;
let paul: string;
let emma: string;
let lola: ReturnType<typeof client>;

beforeAll(async () => {
  p = await createTestPlatform();
  sim = await startPayfipSimulator({ port: 0 });
  p.deps.payfip.base = sim.url;
  household = await completeFile(p, "sene", "1001");
  tenant = await townOf(p, "sene");
  const kids = await p.owner.selectFrom("children").select(["id", "first_name"]).execute();
  paul = kids.find((k) => k.first_name === "Paul")?.id as string;
  emma = kids.find((k) => k.first_name === "Emma-Rose")?.id as string;
  period = (
    await p.owner
      .selectFrom("periods")
      .select("id")
      .where("tenant_id", "=", tenant.id)
      .where("key", "=", "mercredi-pompidou-2026-2027")
      .executeTakeFirstOrThrow()
  ).id;
  lola = client(p.app, SENE);
  expect((await lola.login("lola.test@sene.test", DEMO_PASSWORD)).status).toBe(303);
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await p?.close();
});

function valider(enfants: string[], jours: string[]) {
  return lola.post("/planning/reserver/valider", [
    ["periode", period],
    ...enfants.map((e): [string, string] => ["enfants", e]),
    ...jours.map((j): [string, string] => ["jours", j]),
    ["cle", crypto.randomUUID()],
  ]);
}

const booking = (childId: string, day: string) =>
  p.owner
    .selectFrom("bookings")
    .selectAll()
    .where("child_id", "=", childId)
    .where("day", "=", day)
    .orderBy("created_at", "desc")
    .executeTakeFirstOrThrow();
const basket = (id: string) =>
  p.owner.selectFrom("baskets").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const taken = async (day: string) =>
  (
    await p.owner
      .selectFrom("occupancy")
      .select("taken")
      .where("period_id", "=", period)
      .where("day", "=", day)
      .executeTakeFirst()
  )?.taken ?? 0;
const fill = (day: string, n: number) =>
  p.owner
    .insertInto("occupancy")
    .values({ tenant_id: tenant.id, period_id: period, day, taken: n })
    .execute();
const idOpOf = (location: string | null) => new URL(location as string).searchParams.get("idop") as string;
const settings = () => ({ base: sim.url, saisie: "T" as const });
const expiry = () => createBasketExpiryJob(p.db, settings(), p.deps.log);

/** Lola's e-mail with this subject received after `since` (others are relayed meanwhile, in any order). */
async function mailOf(subject: string, since: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const mail = p.mailbox
      .list()
      .find((m) => m.id > since && m.to.includes("lola.test@sene.test") && m.subject.startsWith(subject));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no mail « ${subject} » within 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let first: string;

describe("« Mon panier »", () => {
  it("puts two validations in one basket with one deadline; a full day waits outside it", async () => {
    await fill("2027-01-27", 96);
    p.setNow(NOW);
    const res = await valider([paul], ["2027-01-13"]);
    expect(res.status).toBe(303);
    const confirmation = await (await lola.get(res.headers.get("location") as string)).text();
    expect(confirmation).toContain('href="/panier"');
    expect(confirmation).toContain("En attente de paiement");
    p.setNow(minutes(30));
    expect((await valider([emma], ["2027-01-20", "2027-01-27"])).status).toBe(303);

    const a = await booking(paul, "2027-01-13");
    const b = await booking(emma, "2027-01-20");
    const full = await booking(emma, "2027-01-27");
    expect([a.status, b.status, full.status]).toEqual(["unpaid", "unpaid", "waiting"]);
    expect(a.holds_place && b.holds_place).toBe(true);
    expect(b.basket_id).toBe(a.basket_id);
    expect(full.basket_id).toBeNull();
    first = a.basket_id as string;
    const k = await basket(first);
    expect(k.state).toBe("open");
    expect(k.expires_at.getTime()).toBe(minutes(120).getTime());
    // The expiry job (the town's only basket so far) waits for the deadline in the queue (a
    // worker that already looked at it under the test's clock put it back for the time left;
    // while that worker finishes, its own row and the one it added are both there).
    await vi.waitFor(async () => {
      const queued = await sql<{ run_at: Date }>`
        select run_at from graphile_worker.jobs where task_identifier = 'expire_basket'`.execute(p.owner);
      expect(queued.rows).toHaveLength(1);
      expect(queued.rows[0]?.run_at.getTime()).toBeGreaterThanOrEqual(minutes(120).getTime());
    });

    const html = await (await lola.get("/panier")).text();
    expect(html).toContain("REGIE CENTRE AERE MERCREDI");
    expect(html).toMatch(
      /Réservation n° \d+ pour <strong>Paul TEST<\/strong> créée le \d\d\/\d\d\/\d{4} à \d\d:\d\d à régler avant : 11:00/,
    );
    expect(html).toContain("MERCREDIS – Emma-Rose TEST (20/01)");
    expect(html).not.toContain("(27/01)");
    // Non-resident (postal code 21000): 11,50 € a day.
    expect(html).toContain(`Total : <strong>${euros(2300)}</strong>`);
    const planning = await (await lola.get("/planning?mois=2027-01")).text();
    expect(planning).toContain('<a href="/panier" role="button">Mon panier (2 jours à régler)</a>');
  });

  it("pays the basket's own total (never the form's), once, into an invoice, and confirms the days", async () => {
    const since = lastId(p.mailbox);
    const res = await lola.post("/panier/payer", { panier: first, montant: "1", amount_cents: "1" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain(sim.url);
    const idOp = idOpOf(res.headers.get("location"));
    const attempt = await p.owner
      .selectFrom("payment_attempts")
      .selectAll()
      .where("idop", "=", idOp)
      .executeTakeFirstOrThrow();
    expect([attempt.basket_id, attempt.invoice_id, Number(attempt.amount_cents)]).toEqual([
      first,
      null,
      2300,
    ]);
    expect((await basket(first)).state).toBe("paying");

    // While the payment runs the basket cannot change.
    const a = await booking(paul, "2027-01-13");
    expect((await lola.post("/panier/annuler", { reservation: a.id })).status).toBe(409);
    const blocked = await valider([paul], ["2027-03-10"]);
    expect(blocked.status).toBe(422);
    expect(await blocked.text()).toContain("Le paiement de votre panier est en cours");

    await sim.control.complete(idOp, "P");
    expect((await lola.get(`/paiement/notification?idop=${idOp}`)).status).toBe(200);
    expect((await lola.get(`/paiement/notification?idop=${idOp}`)).status).toBe(200);
    expect(
      await settleAttempt(townJobs(p.db, tenant.id), tenant, idOp, settings(), p.deps.log, minutes(40)),
    ).toBe("unchanged");

    expect((await booking(paul, "2027-01-13")).status).toBe("accepted");
    expect((await booking(emma, "2027-01-20")).status).toBe("accepted");
    expect((await booking(emma, "2027-01-27")).status).toBe("waiting");
    const k = await basket(first);
    expect(k.state).toBe("paid");
    const invoices = await p.owner
      .selectFrom("invoices")
      .selectAll()
      .where("household_id", "=", household)
      .execute();
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({
      id: k.invoice_id,
      number: "CAM-1",
      kind: "invoice",
      total_cents: "2300",
    });
    const lines = await p.owner
      .selectFrom("invoice_lines")
      .selectAll()
      .where("invoice_id", "=", k.invoice_id)
      .execute();
    expect(lines.map((l) => l.booking_id).sort()).toEqual(
      [a.id, (await booking(emma, "2027-01-20")).id].sort(),
    );
    const payments = await p.owner
      .selectFrom("payments")
      .selectAll()
      .where("household_id", "=", household)
      .execute();
    expect(payments.map((x) => [x.invoice_id, Number(x.amount_cents), x.attempt_id])).toEqual([
      [k.invoice_id, 2300, attempt.id],
    ]);
    const mail = await mailOf("Paiement reçu – réservation confirmée", since);
    expect(mail.text).toContain("MERCREDIS – Paul TEST (13/01)");
    expect(await (await lola.get("/panier")).text()).toContain("Votre panier est vide");
  });

  let second: string;

  it("« Annuler » frees a day's place; a refused payment leaves the basket open to pay again", async () => {
    p.setNow(minutes(180));
    expect((await valider([paul], ["2027-03-10"])).status).toBe(303);
    expect((await valider([emma], ["2027-03-31"])).status).toBe(303);
    const removed = await booking(emma, "2027-03-31");
    second = removed.basket_id as string;
    expect(second).not.toBe(first);
    expect(await taken("2027-03-31")).toBe(1);
    expect((await lola.post("/panier/annuler", { reservation: removed.id })).status).toBe(303);
    expect(await booking(emma, "2027-03-31")).toMatchObject({ status: "cancelled", holds_place: false });
    expect(await taken("2027-03-31")).toBe(0);

    const res = await lola.post("/panier/payer", { panier: second });
    const idOp = idOpOf(res.headers.get("location"));
    expect(
      Number(
        (
          await p.owner
            .selectFrom("payment_attempts")
            .select("amount_cents")
            .where("idop", "=", idOp)
            .executeTakeFirstOrThrow()
        ).amount_cents,
      ),
    ).toBe(1150);
    await sim.control.complete(idOp, "R");
    expect(
      await settleAttempt(townJobs(p.db, tenant.id), tenant, idOp, settings(), p.deps.log, minutes(185)),
    ).toBe("refused");
    expect((await basket(second)).state).toBe("open");
    expect((await booking(paul, "2027-03-10")).status).toBe("unpaid");

    const again = await lola.post("/panier/payer", { panier: second });
    expect(again.status).toBe(303);
    await sim.control.complete(idOpOf(again.headers.get("location")), "Z");
    await settleAttempt(
      townJobs(p.db, tenant.id),
      tenant,
      idOpOf(again.headers.get("location")),
      settings(),
      p.deps.log,
      minutes(186),
    );
    expect((await basket(second)).state).toBe("open");
  });

  it("expires an unpaid basket at its deadline: days expired, places freed, the waiting list served", async () => {
    await fill("2027-03-17", 95);
    p.setNow(minutes(200));
    expect((await valider([paul, emma], ["2027-03-17"])).status).toBe(303);
    expect((await booking(paul, "2027-03-17")).basket_id).toBe(second);
    expect((await booking(emma, "2027-03-17")).status).toBe("waiting");
    const deadline = (await basket(second)).expires_at;
    expect(deadline.getTime()).toBe(minutes(300).getTime());

    const job = { tenantId: tenant.id, id: second };
    expect(await expiry()(job, minutes(299))).toEqual(deadline);
    expect((await basket(second)).state).toBe("open");

    const since = lastId(p.mailbox);
    expect(await expiry()(job, minutes(301))).toBeNull();
    expect((await basket(second)).state).toBe("expired");
    expect(await booking(paul, "2027-03-10")).toMatchObject({ status: "expired", holds_place: false });
    expect(await booking(paul, "2027-03-17")).toMatchObject({ status: "expired", holds_place: false });
    expect(await booking(emma, "2027-03-17")).toMatchObject({ status: "offered", holds_place: true });
    expect(await taken("2027-03-10")).toBe(0);
    expect(await taken("2027-03-17")).toBe(96);
    const mail = await mailOf("Votre panier a expiré", since);
    expect(mail.text).toContain("Paul TEST : mercredi 17 mars 2027");
    expect(await expiry()(job, minutes(302))).toBeNull();
    expect(await taken("2027-03-17")).toBe(96);
  });

  it("settles a basket being paid before expiring it: paid at PayFiP, it is confirmed", async () => {
    p.setNow(minutes(400));
    expect((await valider([paul], ["2027-03-24"])).status).toBe(303);
    const k = (await booking(paul, "2027-03-24")).basket_id as string;
    const res = await lola.post("/panier/payer", { panier: k });
    await sim.control.complete(idOpOf(res.headers.get("location")), "P");
    expect(await expiry()({ tenantId: tenant.id, id: k }, minutes(521))).toBeNull();
    expect((await basket(k)).state).toBe("paid");
    expect((await booking(paul, "2027-03-24")).status).toBe("accepted");
  });

  it("shows and pays nothing of another household's basket (404)", async () => {
    const other = await createSeneParent(p, 1, {
      emailPrefix: "basket",
      numberBase: 9100,
      label: "PANIER",
      firstName: "Alex",
      civility: "M.",
    });
    p.setNow(minutes(600));
    expect((await valider([paul], ["2027-04-07"])).status).toBe(303);
    const mine = await booking(paul, "2027-04-07");
    const c = client(p.app, SENE);
    expect((await c.login(other.email, other.password)).status).toBe(303);
    expect(await (await c.get("/panier")).text()).toContain("Votre panier est vide");
    expect((await c.post("/panier/payer", { panier: mine.basket_id as string })).status).toBe(404);
    expect((await c.post("/panier/annuler", { reservation: mine.id })).status).toBe(404);
    expect((await c.post("/panier/payer", { panier: "not-a-uuid" })).status).toBe(404);
    expect(await booking(paul, "2027-04-07")).toMatchObject({ status: "unpaid", holds_place: true });
    expect((await basket(mine.basket_id as string)).state).toBe("open");
  });

  it("opens no basket when every day of a booking goes to the waiting list (nothing to pay)", async () => {
    await fill("2027-05-05", 96);
    p.setNow(minutes(700));
    const baskets = () =>
      p.owner.selectFrom("baskets").select("id").where("tenant_id", "=", tenant.id).execute();
    const before = (await baskets()).length;
    expect((await valider([emma], ["2027-05-05"])).status).toBe(303);
    const waiting = await booking(emma, "2027-05-05");
    expect(waiting).toMatchObject({ status: "waiting", basket_id: null });
    expect(await baskets()).toHaveLength(before);
  });
});
