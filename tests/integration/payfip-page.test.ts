import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createPayment,
  paymentDetail,
  paymentPageUrl,
  soapEndpoint,
} from "../../src/integrations/payfip/client.ts";
import type { RunningSimulator } from "../../src/integrations/payfip/simulator/server.ts";
import { checkA11y } from "../helpers/browser.ts";
import { type Partner, startPartner, startSimulator } from "./payfip-fixture.ts";

let sim: RunningSimulator;
let partner: Partner;
let browser: Browser;
beforeAll(async () => {
  sim = await startSimulator();
  partner = await startPartner();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
});
afterAll(async () => {
  await browser?.close();
  await sim?.close();
  await partner?.close();
});

it("a citizen pays by card on the accessible page and is sent back by a form POST", async () => {
  const { idOp } = await createPayment({
    endpoint: soapEndpoint(sim.url),
    numcli: "090909",
    exer: 2026,
    refdet: "AL2026000042",
    objet: "Facture AL-2026-0042",
    montantCents: 150_000,
    mel: "parent1.mairie@senneceylesdijon.test",
    urlnotif: `${partner.url}/notif`,
    urlredirect: `${partner.url}/retour`,
    saisie: "T",
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(paymentPageUrl(sim.url, idOp));
  await expect(page.locator("h1").textContent()).resolves.toBe("Paiement en ligne");
  await expect(page.locator("dd").nth(2).textContent()).resolves.toMatch(/^1\s500,00\s€$/u);
  await checkA11y(page);
  await page.getByRole("button", { name: "Payer par carte bancaire (paiement accepté)" }).click();
  await page.waitForURL(`${partner.url}/retour`);
  expect(partner.received).toEqual([
    { kind: "notif", method: "POST", idOp },
    { kind: "retour", method: "POST", idOp },
  ]);
  expect(await paymentDetail({ endpoint: soapEndpoint(sim.url), idOp })).toMatchObject({ status: "paid" });
  await page.goto(paymentPageUrl(sim.url, idOp));
  await expect(page.getByRole("alert").textContent()).resolves.toContain("déjà été utilisée");
  await checkA11y(page);
  expect(errors).toEqual([]);
  await page.close();
});
