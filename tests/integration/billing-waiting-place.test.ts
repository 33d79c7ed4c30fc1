import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { townJobs } from "../../src/db/database.ts";
import { createBasketExpiryJob } from "../../src/features/billing/basket/basket-job.ts";
import { settleAttempt } from "../../src/features/billing/payments/online/online-payment.ts";
import { createOfferExpiryJob } from "../../src/features/planning/booking/places/offer-expiry-job.ts";
import { parisDateTime } from "../../src/lib/dates.ts";
import { type SeneLedger, seneLedger } from "./billing-ledger-fixture.ts";
import { textOf } from "./billing-staff-fixture.ts";

// Issue 10 item 2: in a service paid at booking, a place accepted from the waiting list goes
// into « Mon panier » with its deadline and is paid; an unanswered offer passes on.

const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000);
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const DAY = "2027-03-17";
let s: SeneLedger;

beforeAll(async () => {
  s = await seneLedger();
}, 120_000);
afterAll(() => s?.close());

const fill = (n: number) =>
  s.p.owner
    .insertInto("occupancy")
    .values({ tenant_id: s.tenant.id, period_id: s.period, day: DAY, taken: n })
    .onConflict((oc) => oc.columns(["tenant_id", "period_id", "day"]).doUpdateSet({ taken: n }))
    .execute();

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a place offered from the waiting list (Séné MERCREDIS, paid at booking)", () => {
  it("lands in « Mon panier » when accepted, with the offer's deadline shown, and is paid", async () => {
    s.p.setNow(NOW);
    await fill(95);
    expect((await s.book([s.paul], [DAY])).status).toBe(303);
    const basket = (await s.bookingOf(s.paul, DAY)).basket_id as string;
    expect((await s.payBasket(basket, at(2))).amount).toBe(1150);
    expect((await s.book([s.emma], [DAY])).status).toBe(303);
    expect((await s.bookingOf(s.emma, DAY)).status).toBe("waiting");

    s.p.setNow(at(5));
    expect((await s.cancel([(await s.bookingOf(s.paul, DAY)).id])).status).toBe(303);
    const offered = await until(
      () => s.bookingOf(s.emma, DAY),
      (b) => b.status === "offered",
    );
    expect(offered.status).toBe("offered");
    const deadline = offered.offer_expires_at as Date;
    expect(Math.round((deadline.getTime() - Date.now()) / 3_600_000)).toBe(24);
    const shown = parisDateTime(deadline).replace(" ", " à ");
    const page = await textOf(await s.lola.get(`/planning/reservations/${offered.id}`));
    expect(page).toContain(`avant le ${shown}`);
    const mail = await until(
      async () => s.p.mailbox.list().find((m) => m.subject.startsWith("Une place vous est proposée")),
      (m) => m !== undefined,
    );
    expect(mail?.text).toContain(`Vous avez jusqu'au ${shown} pour l'accepter`);

    const res = await s.lola.post(`/planning/reservations/${offered.id}/accepter`, {});
    expect(res.headers.get("location")).toContain("message=place-au-panier");
    const accepted = await s.bookingOf(s.emma, DAY);
    expect(accepted).toMatchObject({ status: "unpaid", holds_place: true });
    expect(accepted.basket_id).not.toBeNull();
    const panier = await textOf(await s.lola.get("/panier"));
    expect(panier).toContain("MERCREDIS – Emma-Rose TEST (17/03)");
    // The credit of Paul's cancelled day pays Emma's place.
    const paid = await s.payBasket(accepted.basket_id as string, at(8));
    expect(paid.amount).toBe(0);
    expect((await s.bookingOf(s.emma, DAY)).status).toBe("accepted");
    const line = await s.p.owner
      .selectFrom("invoice_lines")
      .select("invoice_id")
      .where("booking_id", "=", accepted.id)
      .executeTakeFirst();
    expect(line).toBeDefined();
  });

  it("passes an unanswered offer to the next family at its deadline; a late answer is refused", async () => {
    const day = "2027-03-24";
    await s.p.owner
      .insertInto("occupancy")
      .values({ tenant_id: s.tenant.id, period_id: s.period, day, taken: 96 })
      .execute();
    expect((await s.book([s.paul, s.emma], [day])).status).toBe(303);
    const paul = await s.bookingOf(s.paul, day);
    const emma = await s.bookingOf(s.emma, day);
    expect([paul.status, emma.status]).toEqual(["waiting", "waiting"]);
    await s.p.owner.updateTable("occupancy").set({ taken: 95 }).where("day", "=", day).execute();
    const until24 = new Date(Date.now() + 60_000);
    await s.p.owner
      .updateTable("bookings")
      .set({ status: "offered", holds_place: true, offer_expires_at: until24 })
      .where("id", "=", paul.id)
      .execute();
    await s.p.owner.updateTable("occupancy").set({ taken: 96 }).where("day", "=", day).execute();

    const job = createOfferExpiryJob(s.p.db);
    expect(await job({ tenantId: s.tenant.id, id: paul.id }, new Date(until24.getTime() - 1000))).toEqual(
      until24,
    );
    expect((await s.bookingOf(s.paul, day)).status).toBe("offered");
    s.p.setNow(new Date(until24.getTime() + 1000));
    const late = await s.lola.post(`/planning/reservations/${paul.id}/accepter`, {});
    expect(late.status).toBe(422);
    expect(await late.text()).toContain("Le délai pour accepter cette place est dépassé");
    expect(await job({ tenantId: s.tenant.id, id: paul.id }, new Date(until24.getTime() + 1000))).toBeNull();
    expect(await s.bookingOf(s.paul, day)).toMatchObject({ status: "expired", holds_place: false });
    expect(await s.bookingOf(s.emma, day)).toMatchObject({ status: "offered", holds_place: true });
    expect(await s.accountsCheck()).toEqual([]);
  });
});

describe("a basket's payment that will not happen (Séné)", () => {
  it("« Abandonner » on PayFiP frees the basket at once; an expired basket's old form says so", async () => {
    s.p.setNow(at(40));
    const day = "2027-04-07";
    expect((await s.book([s.emma], [day])).status).toBe(303);
    const basket = (await s.bookingOf(s.emma, day)).basket_id as string;
    const res = await s.lola.post("/panier/payer", { panier: basket });
    const idOp = new URL(res.headers.get("location") as string).searchParams.get("idop") as string;
    await s.sim.control.complete(idOp, "A");
    // The abandoned page may still be paid for 20 minutes: checked on, but the basket is free.
    expect(
      await settleAttempt(townJobs(s.p.db, s.tenant.id), s.tenant, idOp, s.settings(), s.p.deps.log, at(41)),
    ).toBe("pending");
    const k = await s.p.owner
      .selectFrom("baskets")
      .select("state")
      .where("id", "=", basket)
      .executeTakeFirstOrThrow();
    expect(k.state).toBe("open");
    const page = await s.lola.get("/panier");
    const html = await page.text();
    expect(html).toContain("Valider et payer");
    expect(html).toContain("/panier/annuler");

    const expire = createBasketExpiryJob(s.p.db, s.settings(), s.p.deps.log);
    const row = await s.p.owner
      .selectFrom("baskets")
      .select(["expires_at"])
      .where("id", "=", basket)
      .executeTakeFirstOrThrow();
    expect(
      await expire({ tenantId: s.tenant.id, id: basket }, new Date(row.expires_at.getTime() + 1000)),
    ).toBeNull();
    const old = await s.lola.post("/panier/payer", { panier: basket });
    expect(old.status).toBe(409);
    const text = await old.text();
    expect(text).toContain("Votre panier a expiré");
    expect(text).toContain('href="/planning/reserver">Réserver à nouveau');
  });
});

describe("a place given at once from the waiting list (« auto », Séné MERCREDIS, paid at booking)", () => {
  it("lands in « Mon panier » with the basket's deadline, e-mailed, and is paid", async () => {
    const day = "2027-03-31";
    const rules = await s.p.owner
      .selectFrom("periods")
      .select("rules")
      .where("id", "=", s.period)
      .executeTakeFirstOrThrow();
    await s.p.owner
      .updateTable("periods")
      .set({ rules: JSON.stringify({ ...(rules.rules as object), waitingList: "auto" }) })
      .where("id", "=", s.period)
      .execute();
    s.p.setNow(at(50));
    await s.p.owner
      .insertInto("occupancy")
      .values({ tenant_id: s.tenant.id, period_id: s.period, day, taken: 95 })
      .execute();
    expect((await s.book([s.paul], [day])).status).toBe(303);
    await s.payBasket((await s.bookingOf(s.paul, day)).basket_id as string, at(51));
    expect((await s.book([s.emma], [day])).status).toBe(303);
    expect((await s.bookingOf(s.emma, day)).status).toBe("waiting");

    s.p.setNow(at(55));
    expect((await s.cancel([(await s.bookingOf(s.paul, day)).id])).status).toBe(303);
    const given = await until(
      () => s.bookingOf(s.emma, day),
      (b) => b.status !== "waiting",
    );
    expect(given).toMatchObject({ status: "unpaid", holds_place: true });
    const basket = await s.p.owner
      .selectFrom("baskets")
      .select(["state", "expires_at"])
      .where("id", "=", given.basket_id as string)
      .executeTakeFirstOrThrow();
    expect(basket.state).toBe("open");
    const minutes = (basket.expires_at.getTime() - Date.now()) / 60_000;
    expect(Math.round(minutes / 10) * 10).toBe(Math.round(s.tenant.config.billing.basketMinutes / 10) * 10);
    const mail = await until(
      async () => s.p.mailbox.list().find((m) => m.subject.includes("à régler dans « Mon panier »")),
      (m) => m !== undefined,
    );
    expect(mail?.text).toContain(`avant le ${parisDateTime(basket.expires_at).replace(" ", " à ")}`);
    expect(await textOf(await s.lola.get("/panier"))).toContain("MERCREDIS – Emma-Rose TEST (31/03)");
    expect(await s.accountsCheck()).toEqual([]);

    await s.payBasket(given.basket_id as string, at(58));
    expect((await s.bookingOf(s.emma, day)).status).toBe("accepted");
    expect(await s.accountsCheck()).toEqual([]);
    await s.p.owner
      .updateTable("periods")
      .set({ rules: JSON.stringify(rules.rules) })
      .where("id", "=", s.period)
      .execute();
  });
});
