import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { createBasketExpiryJob } from "../../src/features/billing/basket-job.ts";
import { settleAttempt } from "../../src/features/billing/online-payment.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// DESIGN §5.9 on « Mon panier »: an abandoned PayFiP page frees the basket at once but is
// still checked until final (it may be paid ~20 min longer); « Valider et payer » asks
// PayFiP about the previous attempt before refusing or opening a new one.

const SENE = "sene.localhost:3000";
const NOW = new Date("2026-12-01T08:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
let p: TestPlatform;
let sim: RunningSimulator;
let tenant: Tenant;
let period: string;
let paul: string;
let lola: ReturnType<typeof client>;

beforeAll(async () => {
  p = await createTestPlatform();
  sim = await startPayfipSimulator({ port: 0 });
  p.deps.payfip.base = sim.url;
  await completeFile(p, "sene", "1001");
  tenant = await townOf(p, "sene");
  const kids = await p.owner.selectFrom("children").select(["id", "first_name"]).execute();
  paul = kids.find((k) => k.first_name === "Paul")?.id as string;
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

const settings = () => ({ base: sim.url, saisie: "T" as const });
const settle = (idOp: string, at: number) =>
  settleAttempt(p.db, tenant, idOp, settings(), p.deps.log, minutes(at));
const idOpOf = (location: string | null) => new URL(location as string).searchParams.get("idop") as string;
const basket = (id: string) =>
  p.owner.selectFrom("baskets").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const attempt = (idOp: string) =>
  p.owner.selectFrom("payment_attempts").selectAll().where("idop", "=", idOp).executeTakeFirstOrThrow();
const paymentsOf = (invoiceId: string | null) =>
  p.owner
    .selectFrom("payments")
    .select(["amount_cents", "attempt_id"])
    .where("invoice_id", "=", invoiceId as string)
    .orderBy("created_at")
    .execute();

/** A basket holding Paul's `day`, opened at minute `at`. */
async function basketFor(day: string, at: number) {
  p.setNow(minutes(at));
  const res = await lola.post("/planning/reserver/valider", [
    ["periode", period],
    ["enfants", paul],
    ["jours", day],
    ["cle", crypto.randomUUID()],
  ]);
  expect(res.status).toBe(303);
  const b = await p.owner
    .selectFrom("bookings")
    .select("basket_id")
    .where("child_id", "=", paul)
    .where("day", "=", day)
    .executeTakeFirstOrThrow();
  return b.basket_id as string;
}

async function pay(basketId: string) {
  const res = await lola.post("/panier/payer", { panier: basketId });
  expect(res.status).toBe(303);
  return idOpOf(res.headers.get("location"));
}

describe("a basket's abandoned page, paid after all", () => {
  it("frees the basket at once, keeps checking, and invoices the basket still open when paid late", async () => {
    const k = await basketFor("2027-01-13", 0);
    const idOp = await pay(k);
    await sim.control.complete(idOp, "A");
    expect(await settle(idOp, 2)).toBe("pending");
    expect((await basket(k)).state).toBe("open");
    expect((await attempt(idOp)).state).toBe("pending");

    await sim.control.complete(idOp, "P");
    expect(await settle(idOp, 5)).toBe("paid");
    const paid = await basket(k);
    expect(paid.state).toBe("paid");
    const a = await attempt(idOp);
    expect(await paymentsOf(paid.invoice_id)).toEqual([{ amount_cents: a.amount_cents, attempt_id: a.id }]);
    expect(await settle(idOp, 6)).toBe("unchanged");
    expect(await paymentsOf(paid.invoice_id)).toHaveLength(1);
  });

  it("records the late money as the household's credit when another attempt paid the basket", async () => {
    const k = await basketFor("2027-01-20", 200);
    const abandoned = await pay(k);
    await sim.control.complete(abandoned, "A");
    expect(await settle(abandoned, 202)).toBe("pending");
    const second = await pay(k);
    expect(second).not.toBe(abandoned);
    await sim.control.complete(second, "P");
    expect(await settle(second, 204)).toBe("paid");
    const invoiceId = (await basket(k)).invoice_id;

    await sim.control.complete(abandoned, "P");
    expect(await settle(abandoned, 206)).toBe("paid");
    expect(await settle(abandoned, 207)).toBe("unchanged");
    const [a, b] = [await attempt(second), await attempt(abandoned)];
    expect(await paymentsOf(invoiceId)).toEqual([
      { amount_cents: a.amount_cents, attempt_id: a.id },
      { amount_cents: b.amount_cents, attempt_id: b.id },
    ]);
    const invoice = await p.owner
      .selectFrom("invoices")
      .select("total_cents")
      .where("id", "=", invoiceId as string)
      .executeTakeFirstOrThrow();
    // The statement shows the household in credit by the second payment.
    const statement = await lola.get(`/factures/${invoiceId}`);
    expect(statement.status).toBe(200);
    expect(Number(a.amount_cents) + Number(b.amount_cents) - Number(invoice.total_cents)).toBe(
      Number(b.amount_cents),
    );
    expect((await basket(k)).state).toBe("paid");
    // The basket job is done with it: nothing expires, nothing reopens.
    const job = createBasketExpiryJob(p.db, settings(), p.deps.log);
    expect(await job({ tenantId: tenant.id, id: k }, minutes(400))).toBeNull();
  });
});

describe("a basket past its deadline with an abandoned page still payable", () => {
  it("is not expired while that page may be paid, and is confirmed when it is", async () => {
    const k = await basketFor("2027-02-10", 1000);
    p.setNow(minutes(1110));
    const abandoned = await pay(k);
    await sim.control.complete(abandoned, "A");
    expect(await settle(abandoned, 1111)).toBe("pending");
    p.setNow(minutes(1112));
    const refused = await pay(k);
    await sim.control.complete(refused, "R");
    const job = createBasketExpiryJob(p.db, settings(), p.deps.log);
    expect(await job({ tenantId: tenant.id, id: k }, minutes(1121))).toEqual(minutes(1126));
    expect((await basket(k)).state).toBe("open");

    await sim.control.complete(abandoned, "P");
    expect(await job({ tenantId: tenant.id, id: k }, minutes(1126))).toBeNull();
    const paid = await basket(k);
    expect(paid.state).toBe("paid");
    expect(await paymentsOf(paid.invoice_id)).toHaveLength(1);
  });
});

describe("« Valider et payer » while a previous attempt has an idOp", () => {
  it("asks PayFiP first: paid, the receipt; still payable, a 409 saying when to retry", async () => {
    const k = await basketFor("2027-01-27", 600);
    const idOp = await pay(k);
    const busy = await lola.post("/panier/payer", { panier: k });
    expect(busy.status).toBe(409);
    const text = await busy.text();
    expect(text).toContain("Un paiement de ce panier est en cours");
    expect(text).toContain("réessayez après 19:20");

    await sim.control.complete(idOp, "V");
    const done = await lola.post("/panier/payer", { panier: k });
    expect(done.status).toBe(303);
    const paid = await basket(k);
    expect(paid.state).toBe("paid");
    expect(done.headers.get("location")).toBe(`/factures/${paid.invoice_id}`);
    expect(await paymentsOf(paid.invoice_id)).toHaveLength(1);
  });

  it("asks PayFiP first: refused, a new attempt opens at once", async () => {
    const k = await basketFor("2027-02-03", 800);
    const refused = await pay(k);
    await sim.control.complete(refused, "R");
    const again = await pay(k);
    expect(again).not.toBe(refused);
    expect((await attempt(refused)).state).toBe("refused");
    expect((await basket(k)).state).toBe("paying");
  });
});
