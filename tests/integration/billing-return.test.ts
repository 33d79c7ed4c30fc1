import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import { client } from "../helpers/client.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { issuedInvoice } from "./billing-parent-fixture.ts";

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let sim: RunningSimulator;
let parent: ReturnType<typeof client>;
let dupont: string;
let seq = 800;

beforeAll(async () => {
  p = await createTestPlatform();
  sim = await startPayfipSimulator({ port: 0 });
  sim.control.setPolicy({ notification: { mode: "never" } });
  p.deps.payfip.base = sim.url;
  dupont = await completeFile(p, "plombieres", "1001001818331");
  parent = client(p.app, HOST);
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await p?.close();
});

/** A new 15,00 € invoice and the idOp of the payment the parent starts on it. */
async function startedPayment() {
  seq++;
  const id = await issuedInvoice(p.owner, dupont, {
    number: `EJ-${seq}`,
    seq,
    lines: [["Accueil du mercredi – journée", 2, 750]],
  });
  const res = await parent.post(`/factures/${id}/payer`);
  expect(res.status).toBe(303);
  const idOp = new URL(res.headers.get("location") as string).searchParams.get("idop") as string;
  return { id, idOp, number: `EJ-${seq}` };
}

const payments = (invoiceId: string) =>
  p.owner.selectFrom("payments").selectAll().where("invoice_id", "=", invoiceId).execute();

/** PayFiP's server calling urlnotif: no Origin, no cookie. */
function notify(method: "GET" | "POST", field: string, idOp: string) {
  const query = method === "GET" ? `?${field}=${idOp}` : "";
  return p.app.request(`http://127.0.0.1/paiement/notification${query}`, {
    method,
    headers: {
      Host: HOST,
      ...(method === "POST" ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
    },
    body: method === "POST" ? `${field}=${idOp}` : undefined,
  });
}

describe("return from PayFiP (urlredirect)", () => {
  it("a cross-site form POST with idop settles, then the page shows the outcome with the session", async () => {
    const { id, idOp, number } = await startedPayment();
    await sim.control.complete(idOp, "P");
    const browser = client(p.app, HOST);
    const back = await browser.post(
      "/paiement/retour",
      { idop: idOp },
      { Origin: sim.url, "Sec-Fetch-Site": "cross-site" },
    );
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe(`/paiement/retour?idop=${idOp}`);
    expect((await payments(id)).map((x) => [x.method, Number(x.amount_cents)])).toEqual([
      ["payfip_card", 1500],
    ]);

    const page = await (await parent.get(`/paiement/retour?idop=${idOp}`)).text();
    expect(page).toContain("<h1>Paiement accepté</h1>");
    expect(page).toContain(`href="/factures/${id}">Voir la facture n° ${number}`);
    expect(page).toContain("Payée");

    const expired = await (await browser.get(`/paiement/retour?idop=${idOp}`)).text();
    expect(expired).toContain("<h1>Paiement accepté</h1>");
    expect(expired).toContain('href="/connexion"');
    expect(expired).not.toContain(number);
    expect(await payments(id)).toHaveLength(1);
  });

  it("a GET with idOp: a refusal records nothing", async () => {
    const { id, idOp } = await startedPayment();
    await sim.control.complete(idOp, "R");
    const res = await parent.get(`/paiement/retour?idOp=${idOp}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<h1>Paiement refusé</h1>");
    expect(await payments(id)).toHaveLength(0);
  });

  it("an abandon, an unsettled result and an unknown idOp are each told apart", async () => {
    const abandoned = await startedPayment();
    await sim.control.complete(abandoned.idOp, "A");
    expect(await (await parent.get(`/paiement/retour?idop=${abandoned.idOp}`)).text()).toContain(
      "<h1>Paiement abandonné</h1>",
    );
    const waiting = await startedPayment();
    expect(await (await parent.get(`/paiement/retour?idop=${waiting.idOp}`)).text()).toContain(
      "<h1>Paiement en cours de vérification</h1>",
    );
    const unknown = await parent.get(`/paiement/retour?idop=${crypto.randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Paiement introuvable");
    expect((await parent.get("/paiement/retour")).status).toBe(404);
  });
});

describe("notification (urlnotif)", () => {
  it("GET or POST, idop or idOp, duplicated: 200 with an empty body and one payment", async () => {
    const { id, idOp } = await startedPayment();
    await sim.control.complete(idOp, "V");
    const answers = await Promise.all([
      notify("POST", "idOp", idOp),
      notify("POST", "idop", idOp),
      notify("GET", "idop", idOp),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
    }
    expect((await payments(id)).map((x) => x.method)).toEqual(["payfip_debit"]);
  });

  it("an unknown idOp, no idOp or a PayFiP fault: 200, nothing changed", async () => {
    const before = await p.owner
      .selectFrom("payment_attempts")
      .select(["id", "state"])
      .orderBy("id")
      .execute();
    for (const res of [await notify("POST", "idop", crypto.randomUUID()), await notify("POST", "ref", "x")]) {
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
    }
    expect(
      await p.owner.selectFrom("payment_attempts").select(["id", "state"]).orderBy("id").execute(),
    ).toEqual(before);

    const { id, idOp } = await startedPayment();
    await sim.control.complete(idOp, "P");
    sim.control.injectFault("recupererDetailPaiementSecurise", { kind: "http", status: 500 }, 10);
    const res = await notify("POST", "idop", idOp);
    expect(res.status).toBe(200);
    sim.control.reset();
    sim.control.setPolicy({ notification: { mode: "never" } });
    const attempt = await p.owner
      .selectFrom("payment_attempts")
      .select("state")
      .where("idop", "=", idOp)
      .executeTakeFirstOrThrow();
    expect(attempt.state).toBe("pending");
    expect(await payments(id)).toHaveLength(0);
  });
});
