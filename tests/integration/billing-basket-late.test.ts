import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { townJobs } from "../../src/db/database.ts";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { createBasketExpiryJob } from "../../src/features/billing/basket/basket-job.ts";
import { checkAccounts } from "../../src/features/billing/payments/accounts-check/accounts-check.ts";
import { availableCredit } from "../../src/features/billing/payments/credit-ledger.ts";
import { settleAttempt } from "../../src/features/billing/payments/online/online-payment.ts";
import { euros } from "../../src/features/billing/pricing/pricing.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

// architecture §5.9 on « Mon panier »: an abandoned PayFiP page frees the basket at once but is
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
  settleAttempt(townJobs(p.db, tenant.id), tenant, idOp, settings(), p.deps.log, minutes(at));
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

const bookingOn = (day: string) =>
  p.owner
    .selectFrom("bookings")
    .select(["id", "basket_id", "status"])
    .where("child_id", "=", paul)
    .where("day", "=", day)
    .orderBy("created_at", "desc")
    .executeTakeFirstOrThrow();
const regieOf = async (invoiceId: string | null) =>
  (
    await p.owner
      .selectFrom("invoices")
      .select("regie_id")
      .where("id", "=", invoiceId as string)
      .executeTakeFirstOrThrow()
  ).regie_id;
const household = async () =>
  (
    await p.owner
      .selectFrom("children")
      .select("household_id")
      .where("id", "=", paul)
      .executeTakeFirstOrThrow()
  ).household_id;
const regie = async () =>
  (
    await p.owner
      .selectFrom("services as s")
      .innerJoin("periods as pe", "pe.service_id", "s.id")
      .select("s.regie_id")
      .where("pe.id", "=", period)
      .executeTakeFirstOrThrow()
  ).regie_id as string;
const credit = async () => {
  const account = { householdId: await household(), regieId: await regie() };
  return p.db.withTenant({ role: "app_jobs", tenantId: tenant.id }, (trx) => availableCredit(trx, account));
};
const refunds = async () =>
  (await p.owner.selectFrom("refunds").select("amount_cents").execute()).map((r) => Number(r.amount_cents));
const askRefund = (regieId: string) =>
  lola.post("/releve/remboursement", {
    regie: regieId,
    compte: "autre",
    iban: "FR76 3000 6000 0112 3456 7890 189",
    titulaire: "Lola TEST",
  });
const accountsCheck = () =>
  p.db.withTenant({ role: "app_jobs", tenantId: tenant.id }, (trx) => checkAccounts(trx));
const textOf = async (res: Response) => (await res.text()).replace(/<[^>]+>/g, "").replace(/\s+/g, " ");

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

    // That money is the family's credit everywhere: « Mon avoir », and the refund asked.
    const surplus = euros(Number(b.amount_cents)).replace(/\s+/g, " ");
    expect(await credit()).toBe(Number(b.amount_cents));
    expect(await textOf(await lola.get(`/releve?regie=${await regieOf(invoiceId)}`))).toContain(
      `Vous disposez d'un avoir de ${surplus}`,
    );
    expect((await askRefund(await regieOf(invoiceId))).status).toBe(303);
    expect(await refunds()).toEqual([Number(b.amount_cents)]);
    expect(await credit()).toBe(0);
    expect(await accountsCheck()).toEqual([]);
  });
});

describe("an abandoned page paid late on a basket changed since", () => {
  it("pays the days still in the basket, leaves the surplus in credit and spends it next", async () => {
    p.setNow(minutes(300));
    const days = ["2027-03-10", "2027-03-17"];
    const res = await lola.post("/planning/reserver/valider", [
      ["periode", period],
      ["enfants", paul],
      ...days.map((d): [string, string] => ["jours", d]),
      ["cle", crypto.randomUUID()],
    ]);
    expect(res.status).toBe(303);
    const kept = await bookingOn("2027-03-10");
    const removed = await bookingOn("2027-03-17");
    const k = kept.basket_id as string;
    const idOp = await pay(k);
    await sim.control.complete(idOp, "A");
    expect(await settle(idOp, 302)).toBe("pending");
    expect((await lola.post("/panier/annuler", { reservation: removed.id })).status).toBe(303);

    await sim.control.complete(idOp, "P");
    expect(await settle(idOp, 305)).toBe("paid");
    const paid = await basket(k);
    expect(paid.state).toBe("paid");
    const lines = await p.owner
      .selectFrom("invoice_lines")
      .select(["booking_id", "amount_cents"])
      .where("invoice_id", "=", paid.invoice_id as string)
      .execute();
    // The day removed after the page is not paid for; the page's money is all recorded.
    expect(lines.map((l) => l.booking_id)).toEqual([kept.id]);
    expect((await bookingOn("2027-03-17")).status).toBe("cancelled");
    expect((await bookingOn("2027-03-10")).status).toBe("accepted");
    const a = await attempt(idOp);
    expect(await paymentsOf(paid.invoice_id)).toEqual([{ amount_cents: a.amount_cents, attempt_id: a.id }]);
    const surplus = Number(a.amount_cents) - Number(lines[0]?.amount_cents);
    expect(surplus).toBeGreaterThan(0);
    expect(await credit()).toBe(surplus);
    expect(await accountsCheck()).toEqual([]);

    // The next basket (one day, the surplus's price) is paid by that credit, without PayFiP.
    const next = await basketFor("2027-03-24", 320);
    const byCredit = await lola.post("/panier/payer", { panier: next });
    const nextInvoice = (await basket(next)).invoice_id as string;
    expect(byCredit.headers.get("location")).toBe(`/factures/${nextInvoice}`);
    // Its source is an overpaid invoice (the oldest money the family holds is spent first).
    const spent = await p.owner
      .selectFrom("credit_allocations as a")
      .innerJoin("invoices as c", "c.id", "a.credit_note_id")
      .select(["c.kind", "a.amount_cents"])
      .where("a.invoice_id", "=", nextInvoice)
      .execute();
    expect(spent).toEqual([{ kind: "invoice", amount_cents: String(surplus) }]);
    expect(await textOf(await lola.get(`/factures/${nextInvoice}`))).toContain("Trop-perçu de la facture n°");
    expect(await credit()).toBe(0);
    expect(await accountsCheck()).toEqual([]);
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
