import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import { client } from "../helpers/client.ts";
import { completeFile } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { freePort } from "../helpers/ports.ts";
import { issuedInvoice } from "./billing-parent-fixture.ts";

/**
 * Issue 9 item 6: PayFiP calls have one time budget per page (here 600 ms instead of 10 s),
 * after which the parent reads « Nous vérifions votre paiement… »; parents never see
 * technical text, the attempt (staff) keeps it.
 */
const HOST = "plombieres.localhost:3000";
const BUDGET_MS = 600;
let p: TestPlatform;
let sim: RunningSimulator;
let parent: ReturnType<typeof client>;
let dupont: string;
let seq = 900;

beforeAll(async () => {
  p = await createTestPlatform();
  sim = await startPayfipSimulator({ port: 0 });
  sim.control.setPolicy({ notification: { mode: "never" } });
  p.deps.payfip.base = sim.url;
  p.deps.payfip.budgetMs = BUDGET_MS;
  dupont = await completeFile(p, "plombieres", "1001001818331");
  parent = client(p.app, HOST);
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await p?.close();
});

async function invoice() {
  seq++;
  return issuedInvoice(p.owner, dupont, {
    number: `EJ-${seq}`,
    seq,
    lines: [["Accueil du mercredi – journée", 2, 750]],
  });
}

const lookups = () =>
  sim.control.calls().filter((c) => c.operation === "recupererDetailPaiementSecurise").length;

describe("PayFiP time budget", () => {
  it("a lookup that hangs: the return answers within the budget, once for POST then GET, and says the payment is being checked", async () => {
    const res = await parent.post(`/factures/${await invoice()}/payer`);
    const idOp = new URL(res.headers.get("location") as string).searchParams.get("idop") as string;
    sim.control.injectFault("recupererDetailPaiementSecurise", { kind: "hang", ms: 30_000 }, 10);
    const before = lookups();
    const back = await client(p.app, HOST).post(
      "/paiement/retour",
      { idop: idOp },
      { Origin: sim.url, "Sec-Fetch-Site": "cross-site" },
    );
    expect(back.status).toBe(303);
    const location = back.headers.get("location") as string;
    expect(location).toBe(`/paiement/retour?idop=${idOp}&verification=1`);
    const page = await (await parent.get(location)).text();
    expect(page).toContain("<h1>Paiement en cours de vérification</h1>");
    expect(page).toContain("Nous vérifions votre paiement…");
    // One lookup for the whole return, cut by the budget: no retries past it, none on the GET.
    expect(lookups() - before).toBe(1);
    sim.control.reset();
  });

  it("PayFiP unreachable when the payment starts: a plain French message, the technical cause for staff", async () => {
    const id = await invoice();
    p.deps.payfip.base = `http://127.0.0.1:${await freePort()}`;
    try {
      const down = await parent.post(`/factures/${id}/payer`);
      expect(down.status).toBe(502);
      const html = await down.text();
      expect(html).toContain(
        "Le paiement en ligne n&#39;a pas pu commencer : le service de paiement ne répond pas.",
      );
      expect(html).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connexion impossible/);
    } finally {
      p.deps.payfip.base = sim.url;
    }
    const attempt = await p.owner
      .selectFrom("payment_attempts")
      .select(["state", "error"])
      .where("invoice_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(attempt.state).toBe("error");
    expect(attempt.error).toContain("ECONNREFUSED");
  });
});
