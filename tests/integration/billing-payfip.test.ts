import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Transact, townJobs } from "../../src/db/database.ts";
import { settleAttempt, startPayment } from "../../src/features/billing/payments/online/online-payment.ts";
import { createPaymentCheckJob } from "../../src/features/billing/payments/online/payment-check-job.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";

let p: TestPlatform;
let sim: RunningSimulator;
let tenant: Tenant;
let householdId: string;
let userId: string;
let seq = 0;

beforeAll(async () => {
  p = await createTestPlatform();
  sim = await startPayfipSimulator({ port: 0 });
  householdId = await completeFile(p, "plombieres", "1001001818331");
  tenant = await townOf(p, "plombieres");
  userId = (
    await p.owner
      .selectFrom("users")
      .select("id")
      .where("household_id", "=", householdId)
      .executeTakeFirstOrThrow()
  ).id;
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await p?.close();
});

const settings = () => ({ base: sim.url, saisie: "T" as const });
const ctx = () => ({
  tenant,
  userId,
  householdId,
  email: "jean.dupont@plombieres.test",
  now: new Date(),
  origin: "http://plombieres.localhost:3000",
});
const settle = (idOp: string) =>
  settleAttempt(townJobs(p.db, tenant.id), tenant, idOp, settings(), p.deps.log);
/** The parent's transactions, as the route hands them to the service. */
const asParent: Transact = (fn) =>
  p.db.withTenant({ role: "app_parent", tenantId: tenant.id, userId, householdId }, fn);

/** An issued invoice of 15,00 € on the town's régie (as an invoicing run would leave it). */
async function invoice(extra: { treasury_ref?: string } = {}) {
  const regie = await p.owner
    .selectFrom("regies")
    .select("id")
    .where("tenant_id", "=", tenant.id)
    .executeTakeFirstOrThrow();
  seq++;
  const row = await p.owner
    .insertInto("invoices")
    .values({
      tenant_id: tenant.id,
      regie_id: regie.id,
      household_id: householdId,
      kind: "invoice",
      seq,
      number: `EJ-${seq}`,
      issued_on: "2026-11-02",
      due_on: "2026-12-02",
      total_cents: 1500,
      ...extra,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const idOpOf = (url: string) => new URL(url).searchParams.get("idop") as string;
const payments = (invoiceId: string) =>
  p.owner.selectFrom("payments").selectAll().where("invoice_id", "=", invoiceId).execute();

describe("online payment through PayFiP", () => {
  it("records a card payment once, whatever arrives twice, and refuses a second attempt", async () => {
    const id = await invoice();
    const url = await startPayment(asParent, ctx(), id, settings());
    const idOp = idOpOf(url);
    expect(url).toContain("/tpa/paiementws.web?idop=");
    expect(sim.control.operation(idOp)?.request.montant).toBe("1500");
    expect(await settle(idOp)).toBe("pending");
    await expect(startPayment(asParent, ctx(), id, settings())).rejects.toThrow("déjà en cours");
    await sim.control.complete(idOp, "P");
    expect(await Promise.all([settle(idOp), settle(idOp)])).toContain("paid");
    expect(await settle(idOp)).toBe("unchanged");
    const paid = await payments(id);
    expect(paid.map((x) => [x.method, Number(x.amount_cents)])).toEqual([["payfip_card", 1500]]);
    await expect(startPayment(asParent, ctx(), id, settings())).rejects.toThrow("déjà payée");
  });

  it("a refusal records nothing and a new attempt may start at once", async () => {
    const id = await invoice();
    const idOp = idOpOf(await startPayment(asParent, ctx(), id, settings()));
    await sim.control.complete(idOp, "R");
    expect(await settle(idOp)).toBe("refused");
    expect(await payments(id)).toHaveLength(0);
    const again = idOpOf(await startPayment(asParent, ctx(), id, settings()));
    await sim.control.complete(again, "V");
    expect(await settle(again)).toBe("paid");
    expect((await payments(id)).map((x) => x.method)).toEqual(["payfip_debit"]);
  });

  it("ignores an unknown idOp, keeps a technical failure pending, and refuses a Treasury invoice", async () => {
    expect(await settle(crypto.randomUUID())).toBe("unknown");
    const id = await invoice();
    const idOp = idOpOf(await startPayment(asParent, ctx(), id, settings()));
    await sim.control.complete(idOp, "P");
    sim.control.injectFault("recupererDetailPaiementSecurise", { kind: "http", status: 500 }, 5);
    await expect(settle(idOp)).rejects.toMatchObject({ retryable: true });
    const attempt = await p.owner
      .selectFrom("payment_attempts")
      .select("state")
      .where("idop", "=", idOp)
      .executeTakeFirstOrThrow();
    expect(attempt.state).toBe("pending");
    sim.control.reset();
    const treasury = await invoice({ treasury_ref: "ORMC 2026-118" });
    await expect(startPayment(asParent, ctx(), treasury, settings())).rejects.toThrow("Trésor public");
    expect(
      await p.owner.selectFrom("payment_attempts").selectAll().where("invoice_id", "=", treasury).execute(),
    ).toHaveLength(0);
  });

  it("a fault at creation closes the attempt with a French message and no payment page", async () => {
    const id = await invoice();
    sim.control.injectFault(
      "creerPaiementSecurise",
      { kind: "soap", type: "FonctionnelleErreur", code: "R3" },
      1,
    );
    await expect(startPayment(asParent, ctx(), id, settings())).rejects.toThrow("n'a pas pu commencer");
    const attempts = await p.owner
      .selectFrom("payment_attempts")
      .select(["state", "error"])
      .where("invoice_id", "=", id)
      .execute();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.state).toBe("error");
  });

  it("the polling job settles an attempt nobody came back for, and asks again while pending", async () => {
    const id = await invoice();
    const idOp = idOpOf(await startPayment(asParent, ctx(), id, settings()));
    const attempt = await p.owner
      .selectFrom("payment_attempts")
      .select("id")
      .where("idop", "=", idOp)
      .executeTakeFirstOrThrow();
    const check = createPaymentCheckJob(p.db, settings(), p.deps.log);
    const job = { tenantId: tenant.id, id: attempt.id, round: 0 };
    const again = await check(job);
    expect(again).toBeInstanceOf(Date);
    await sim.control.complete(idOp, "P");
    expect(await check({ ...job, round: 1 })).toBeNull();
    expect(await payments(id)).toHaveLength(1);
    expect(await check({ ...job, round: 2 })).toBeNull();
    expect(await payments(id)).toHaveLength(1);
  });
});
