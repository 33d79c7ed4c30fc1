import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balance } from "../../src/features/billing/payments/credit-ledger.ts";
import { euros } from "../../src/features/billing/pricing/pricing.ts";
import { lastId } from "../../src/integrations/mail/sink.ts";
import { parisToday } from "../../src/lib/dates.ts";
import { type SeneLedger, seneLedger } from "./billing-ledger-fixture.ts";
import { staffOf, textOf } from "./billing-staff-fixture.ts";

// Issue 10 item 1: a paid day cancelled free of charge gives the family its money back as
// a credit note (e-mailed), spent on the next basket, and refunded on request.

// Close to the real clock: the worker expires baskets by the real clock (basketMinutes after NOW).
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000);
const TODAY = parisToday(NOW);
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const MARCH = ["2027-03-10", "2027-03-17", "2027-03-24", "2027-03-31", "2027-04-07"];
const MAY = ["2027-05-05", "2027-05-12", "2027-05-19", "2027-05-26", "2027-06-02"];
let s: SeneLedger;
/** Euros as textOf() reads them (its spaces collapsed). */
const eur = (cents: number) => euros(cents).replace(/[\s\u00a0\u202f]+/g, " ");

beforeAll(async () => {
  s = await seneLedger();
}, 120_000);
afterAll(() => s?.close());

const invoicesOf = () =>
  s.p.owner
    .selectFrom("invoices")
    .selectAll()
    .where("household_id", "=", s.household)
    .orderBy("created_at")
    .execute();
const accountBalance = async (regieId: string) =>
  s.p.db.withTenant({ role: "app_staff", tenantId: s.tenant.id, userId: crypto.randomUUID() }, (trx) =>
    balance(trx, { householdId: s.household, regieId }),
  );

async function mailTo(subject: string, since: number) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const m = s.p.mailbox.list().find((x) => x.id > since && x.subject.startsWith(subject));
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no mail « ${subject} »`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("credit notes, credit and refunds (Séné, paid at booking)", () => {
  let regieId: string;

  it("credits four days cancelled free of a paid basket at once, e-mailed, CAM-1 staying « Payée »", async () => {
    s.p.setNow(NOW);
    expect((await s.book([s.paul], MARCH)).status).toBe(303);
    const basketId = (await s.bookingOf(s.paul, MARCH[0] as string)).basket_id as string;
    const paid = await s.payBasket(basketId, at(5));
    expect(paid.amount, JSON.stringify(paid)).toBe(5 * 1150);
    const [cam1] = await invoicesOf();
    regieId = cam1?.regie_id as string;
    expect(cam1).toMatchObject({ number: "CAM-1", total_cents: "5750" });

    const since = lastId(s.p.mailbox);
    s.p.setNow(at(10));
    const ids = await Promise.all(MARCH.slice(1).map(async (d) => (await s.bookingOf(s.paul, d)).id));
    expect((await s.cancel(ids)).status).toBe(303);
    const [, credit] = await invoicesOf();
    expect(credit).toMatchObject({ kind: "credit_note", number: "AV-CAM-1", total_cents: "4600" });
    expect(credit?.credited_invoice_id).toBe(cam1?.id);
    const mail = await mailTo("Avoir n° AV-CAM-1", since);
    expect(mail.text).toContain(`Votre avoir disponible est de ${euros(4600)}`);

    const list = await textOf(await s.lola.get("/factures"));
    expect(list).toContain("AV-CAM-1");
    const show = await textOf(await s.lola.get(`/factures/${cam1?.id}`));
    expect(show).toContain("État Payée");
    const statement = await textOf(await s.lola.get(`/releve?regie=${regieId}`));
    expect(statement).toContain(`Vous disposez d'un avoir de ${eur(4600)}`);
    expect(await accountBalance(regieId)).toBe(-4600);

    // Cancelling the same days again credits nothing twice.
    expect((await s.cancel(ids)).status).toBe(422);
    expect(await invoicesOf()).toHaveLength(2);
  });

  it("spends the credit on the next basket: PayFiP takes only the rest", async () => {
    s.p.setNow(at(20));
    expect((await s.book([s.paul], MAY)).status).toBe(303);
    const basketId = (await s.bookingOf(s.paul, MAY[0] as string)).basket_id as string;
    const page = await textOf(await s.lola.get("/panier"));
    expect(page).toContain(`Avoir déduit : ${eur(4600)} – reste à payer : ${eur(1150)}`);
    expect((await s.payBasket(basketId, at(25))).amount).toBe(1150);
    const cam2 = (await invoicesOf()).find((i) => i.number === "CAM-2");
    expect(cam2?.total_cents).toBe("5750");
    const show = await textOf(await s.lola.get(`/factures/${cam2?.id}`));
    expect(show).toContain("Reste à payer 0,00 €");
    expect(show).toContain("État Payée");
    expect(show).toContain("Avoir n° AV-CAM-1 déduit");
    expect(await accountBalance(regieId)).toBe(0);
  });

  it("a basket the credit covers is paid without PayFiP: « Soldée par avoir »", async () => {
    s.p.setNow(at(30));
    const may = await Promise.all(MAY.slice(3).map(async (d) => (await s.bookingOf(s.paul, d)).id));
    expect((await s.cancel(may)).status).toBe(303);
    expect((await s.book([s.emma], ["2027-06-09"])).status).toBe(303);
    const basketId = (await s.bookingOf(s.emma, "2027-06-09")).basket_id as string;
    const res = await s.payBasket(basketId, at(35));
    expect(res.amount).toBe(0);
    const cam3 = (await invoicesOf()).find((i) => i.number === "CAM-3");
    expect(res.location).toBe(`/factures/${cam3?.id}`);
    expect((await s.bookingOf(s.emma, "2027-06-09")).status).toBe("accepted");
    expect(await textOf(await s.lola.get(`/factures/${cam3?.id}`))).toContain("État Soldée par avoir");
    expect(await accountBalance(regieId)).toBe(-1150);
  });

  it("refunds the rest on request, to the IBAN typed, recorded by staff with its date", async () => {
    const bad = await s.lola.post("/releve/remboursement", {
      regie: regieId,
      compte: "autre",
      iban: "FR76 123",
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("IBAN invalide");
    const ok = await s.lola.post("/releve/remboursement", {
      regie: regieId,
      compte: "autre",
      iban: "FR76 3000 6000 0112 3456 7890 189",
      titulaire: "Lola TEST",
    });
    expect(ok.status).toBe(303);
    const statement = await textOf(await s.lola.get(`/releve?regie=${regieId}`));
    expect(statement).toContain("Vous n'avez pas d'avoir disponible");
    expect(statement).toContain(`${eur(1150)} : demandé le`);
    const again = await s.lola.post("/releve/remboursement", { regie: regieId, compte: "autre", iban: "x" });
    expect(again.status).toBe(422);

    const staff = await staffOf(s.p, "sene");
    const list = await textOf(await staff.get("/agents/facturation/remboursements"));
    expect(list).toContain("FR7630006000011234567890189");
    const refund = await s.p.owner.selectFrom("refunds").selectAll().executeTakeFirstOrThrow();
    expect(refund.amount_cents).toBe("1150");
    const future = await staff.post(`/agents/facturation/remboursements/${refund.id}`, {
      date: "2027-12-31",
    });
    expect(future.status).toBe(422);
    const done = await staff.post(`/agents/facturation/remboursements/${refund.id}`, {
      date: TODAY,
      reference: "VIR 42",
    });
    expect(done.status).toBe(303);
    expect(await accountBalance(regieId)).toBe(0);
    const after = await textOf(await s.lola.get(`/releve?regie=${regieId}`));
    expect(after).toContain("Remboursement d'avoir par virement");
    expect(after).toContain(`remboursé par virement le ${TODAY.split("-").reverse().join("/")}`);
    expect(await s.accountsCheck()).toEqual([]);
  });
});
