import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createPayment,
  paymentDetail,
  paymentPageUrl,
  soapEndpoint,
} from "../../src/integrations/payfip/client.ts";
import { makeRefdet } from "../../src/integrations/payfip/rules.ts";
import type { RunningSimulator } from "../../src/integrations/payfip/simulator/server.ts";
import { type Partner, startPartner, startSimulator } from "./payfip-fixture.ts";

let sim: RunningSimulator;
let partner: Partner;
beforeAll(async () => {
  sim = await startSimulator();
  partner = await startPartner();
});
afterAll(async () => {
  await sim.close();
  await partner.close();
});
beforeEach(() => {
  sim.control.reset();
  partner.received.length = 0;
});

const endpoint = () => soapEndpoint(sim.url);
const V1_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function create(overrides: Partial<Parameters<typeof createPayment>[0]> = {}) {
  return createPayment({
    endpoint: endpoint(),
    numcli: "090909",
    exer: 2026,
    refdet: makeRefdet("AL"),
    objet: "Facture AL-2026-0001 (garderie, Séné)",
    montantCents: 4250,
    mel: "lola.test@sene.test",
    urlnotif: `${partner.url}/notif`,
    urlredirect: `${partner.url}/retour`,
    saisie: "T",
    ...overrides,
  });
}

/** The citizen's browser: opens the page, clicks an outcome, gets the return page. */
async function pay(idOp: string, resultrans: string): Promise<Response> {
  const page = await fetch(paymentPageUrl(sim.url, idOp));
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`value="${resultrans}"`);
  return fetch(`${sim.url}/tpa/paiementws.web/submit`, {
    method: "POST",
    body: new URLSearchParams({ idop: idOp, resultrans }),
    redirect: "manual",
  });
}

describe("PayFiP client against the simulator", () => {
  it("creates an operation with a v1 idOp and the request fields on the wire", async () => {
    const { idOp } = await create({ refdet: "ABCDEF123456" });
    expect(idOp).toMatch(V1_UUID);
    expect(sim.control.operation(idOp)?.request).toMatchObject({
      numcli: "090909",
      exer: "2026",
      montant: "4250",
      objet: "Facture AL 2026 0001 garderie Sene",
      refdet: "ABCDEF123456",
      saisie: "T",
    });
  });

  it.each([
    ["P", { status: "paid", method: "card" }],
    ["V", { status: "paid", method: "debit" }],
    ["R", { status: "refused", method: "card" }],
    ["Z", { status: "refused", method: "debit" }],
    ["A", { status: "abandoned" }],
  ])("outcome %s through the payment page, notification and lookup", async (code, expected) => {
    const { idOp } = await create();
    expect(await paymentDetail({ endpoint: endpoint(), idOp })).toEqual({ status: "pending" });
    const back = await pay(idOp, code);
    expect(back.status).toBe(200);
    const html = await back.text();
    expect(html).toContain(`action="${partner.url}/retour"`);
    expect(html).toContain(`name="idop" value="${idOp}"`);
    expect(partner.received).toEqual([{ kind: "notif", method: "POST", idOp }]);
    const outcome = await paymentDetail({ endpoint: endpoint(), idOp });
    expect(outcome).toMatchObject(expected);
    if (!("detail" in outcome)) throw new Error("no detail");
    expect(outcome.detail).toMatchObject({
      idOp,
      montant: "4250",
      resultrans: code,
      exer: "2026",
      saisie: "T",
    });
    expect(outcome.detail.dattrans).toMatch(/^\d{8}$/);
    expect(outcome.detail.heurtrans).toMatch(/^\d{4}$/);
    if (code === "P" || code === "V") expect(outcome.detail.numauto).toMatch(/^\d{12}-tip$/);
    else expect(outcome.detail.numauto).toBeUndefined();
  });

  it("the return form posts idop to urlredirect, and a 302 policy returns by GET", async () => {
    const first = await create();
    const html = await (await pay(first.idOp, "P")).text();
    await fetch(`${partner.url}/retour`, { method: "POST", body: new URLSearchParams({ idop: first.idOp }) });
    expect(html).toContain('<script src="/tpa/retour.js"');
    sim.control.setPolicy({ redirect: "302" });
    const second = await create();
    const back = await pay(second.idOp, "A");
    expect(back.status).toBe(302);
    const location = back.headers.get("location") ?? "";
    expect(location).toBe(`${partner.url}/retour?idop=${second.idOp}`);
    await fetch(location);
    expect(partner.received.filter((r) => r.kind === "retour")).toEqual([
      { kind: "retour", method: "POST", idOp: first.idOp },
      { kind: "retour", method: "GET", idOp: second.idOp },
    ]);
  });

  it("a page left open stays pending; a reused idOp is refused (P3), an old one too (P4)", async () => {
    const { idOp } = await create();
    expect((await fetch(paymentPageUrl(sim.url, idOp))).status).toBe(200);
    expect(sim.control.operation(idOp)?.state).toBe("PAGE_OPENED");
    expect(await paymentDetail({ endpoint: endpoint(), idOp })).toEqual({ status: "pending" });
    await pay(idOp, "P");
    const reused = await fetch(paymentPageUrl(sim.url, idOp));
    expect(reused.status).toBe(409);
    expect(await reused.text()).toContain("déjà été utilisée");
    const old = await create();
    sim.control.advanceClock(16 * 60_000);
    const late = await fetch(paymentPageUrl(sim.url, old.idOp));
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("P4");
  });

  it("an unknown idOp, and one purged at night, are `unknown` (P1)", async () => {
    expect(
      await paymentDetail({ endpoint: endpoint(), idOp: "6475fa10-b338-11e2-a082-001fe256bdfe" }),
    ).toEqual({
      status: "unknown",
    });
    expect((await fetch(paymentPageUrl(sim.url, "6475fa10-b338-11e2-a082-001fe256bdfe"))).status).toBe(404);
    const { idOp } = await create();
    sim.control.advanceClock(16 * 60_000);
    expect(await paymentDetail({ endpoint: endpoint(), idOp })).toEqual({ status: "pending" });
    expect(sim.control.purge()).toBe(1);
    expect(await paymentDetail({ endpoint: endpoint(), idOp })).toEqual({ status: "unknown" });
  });
});

describe("notification policies", () => {
  it("duplicated: the same idOp arrives several times", async () => {
    sim.control.setPolicy({ notification: { mode: "duplicated", copies: 3 } });
    const { idOp } = await create();
    await pay(idOp, "P");
    expect(partner.received).toEqual(Array(3).fill({ kind: "notif", method: "POST", idOp }));
    expect(sim.control.operation(idOp)?.notifications.map((n) => n.status)).toEqual([200, 200, 200]);
  });

  it("never: nothing arrives, the lookup still tells the result", async () => {
    sim.control.setPolicy({ notification: { mode: "never" } });
    const { idOp } = await create();
    await pay(idOp, "V");
    await sim.control.settled();
    expect(partner.received).toEqual([]);
    expect(await paymentDetail({ endpoint: endpoint(), idOp })).toMatchObject({
      status: "paid",
      method: "debit",
    });
  });

  it("delayed, by GET with `idOp`: arrives after the return page", async () => {
    sim.control.setPolicy({ notification: { mode: "delayed", delayMs: 300, method: "GET", param: "idOp" } });
    const { idOp } = await create();
    await pay(idOp, "R");
    expect(partner.received).toEqual([]);
    await vi.waitFor(() => expect(partner.received).toEqual([{ kind: "notif", method: "GET", idOp }]));
    expect(sim.control.operation(idOp)?.notifications[0]?.url).toBe(`${partner.url}/notif?idOp=${idOp}`);
  });

  it("after-return: queued behind the return page, then sent", async () => {
    sim.control.setPolicy({ notification: { order: "after-return" } });
    const { idOp } = await create();
    const back = await pay(idOp, "P");
    expect(back.status).toBe(200);
    await sim.control.settled();
    expect(partner.received).toEqual([{ kind: "notif", method: "POST", idOp }]);
  });

  it("records a failing partner and a forced outcome through the JSON control API", async () => {
    const { idOp } = await create({ urlnotif: "http://127.0.0.1:1/notif" });
    const forced = await fetch(`${sim.url}/__sim/operations/${idOp}/outcome`, {
      method: "POST",
      body: JSON.stringify({ resultrans: "P" }),
    });
    expect(await forced.json()).toEqual({ redirect: `${partner.url}/retour?idop=${idOp}` });
    const op = (await (await fetch(`${sim.url}/__sim/operations/${idOp}`)).json()) as {
      state: string;
      notifications: { status?: number; error?: string }[];
    };
    expect(op.state).toBe("P");
    expect(op.notifications[0]?.status).toBeUndefined();
    expect(op.notifications[0]?.error).toMatch(/ECONNREFUSED/);
  });
});
