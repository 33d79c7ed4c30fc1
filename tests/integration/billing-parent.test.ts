import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { invoicePdf } from "../../src/features/billing/invoices/invoice-pdf.ts";
import { euros } from "../../src/features/billing/pricing/pricing.ts";
import { statementFor } from "../../src/features/billing/statement/statement.ts";
import {
  type RunningSimulator,
  startPayfipSimulator,
} from "../../src/integrations/payfip/simulator/server.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { pdfText } from "../helpers/pdf-text.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { issuedInvoice } from "./billing-parent-fixture.ts";

const HOST = "plombieres.localhost:3000";
let p: TestPlatform;
let sim: RunningSimulator;
let tenant: Tenant;
let parent: ReturnType<typeof client>;
let dupont: string;
const inv: Record<string, string> = {};

beforeAll(async () => {
  p = await createTestPlatform();
  p.setNow(new Date("2026-11-22T10:00:00Z"));
  sim = await startPayfipSimulator({ port: 0 });
  p.deps.payfip.base = sim.url;
  sim.control.setPolicy({ notification: { mode: "never" } });
  dupont = await completeFile(p, "plombieres", "1001001818331");
  tenant = await townOf(p, "plombieres");
  parent = client(p.app, HOST);
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
}, 120_000);
afterAll(async () => {
  await sim?.close();
  await p?.close();
});

/** The invoices of the DUPONT household (and one of MARTIN's), each in a different state. */
async function createInvoices() {
  const o = p.owner;
  inv.old = await issuedInvoice(o, dupont, {
    number: "EJ-900",
    seq: 900,
    issuedOn: "2026-05-10",
    dueOn: "2026-06-09",
    lines: [["Garderie du matin", 1, 1000]],
  });
  inv.toPay = await issuedInvoice(o, dupont, {
    number: "EJ-901",
    seq: 901,
    lines: [["Accueil du mercredi – journée", 2, 750]],
  });
  inv.treasury = await issuedInvoice(o, dupont, {
    number: "EJ-902",
    seq: 902,
    issuedOn: "2026-11-03",
    treasuryRef: "ORMC 2026-7",
    lines: [["Restauration", 2, 400]],
  });
  inv.small = await issuedInvoice(o, dupont, {
    number: "EJ-903",
    seq: 903,
    issuedOn: "2026-11-04",
    lines: [["Supplément", 1, 50]],
  });
  inv.paid = await issuedInvoice(o, dupont, {
    number: "EJ-904",
    seq: 904,
    issuedOn: "2026-11-05",
    lines: [["Restauration", 3, 400]],
  });
  const h = await o
    .selectFrom("invoices")
    .select(["tenant_id", "regie_id"])
    .where("id", "=", inv.paid)
    .executeTakeFirstOrThrow();
  await o
    .insertInto("payments")
    .values({
      ...h,
      household_id: dupont,
      invoice_id: inv.paid,
      method: "cheque",
      amount_cents: 1200,
      received_on: "2026-11-10",
    })
    .execute();
  const martin = await o
    .selectFrom("households")
    .select("id")
    .where("tenant_id", "=", tenant.id)
    .where("name", "like", "%MARTIN%")
    .executeTakeFirstOrThrow();
  inv.other = await issuedInvoice(o, martin.id, {
    number: "EJ-905",
    seq: 905,
    lines: [["Restauration", 1, 500]],
  });
}

const attempts = (invoiceId: string) =>
  p.owner.selectFrom("payment_attempts").selectAll().where("invoice_id", "=", invoiceId).execute();

describe("« Mes factures » and the home page", () => {
  it("without invoices the home page has no « Factures impayées » and the tile no count", async () => {
    const home = await (await parent.get("/")).text();
    expect(home).toContain('href="/factures"');
    expect(home).not.toContain("Factures impayées");
    expect(home).not.toContain("à payer");
  });

  it("lists every invoice newest first with its state, and offers online payment only where it may be", async () => {
    await createInvoices();
    const res = await parent.get("/factures");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain(`form-action 'self' ${sim.url}`);
    const html = await res.text();
    const order = ["EJ-904", "EJ-903", "EJ-902", "EJ-901", "EJ-900"].map((n) => html.indexOf(`>${n}<`));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > (order[i - 1] as number)))).toBe(true);
    expect(html).not.toContain("EJ-905");
    expect(html).toContain("3</strong> factures à payer");
    expect(html).toContain("Titre émis (ORMC n° 2026-7)");
    expect(html).toContain(">Payée<");
    expect(html).toContain(`action="/factures/${inv.toPay}/payer"`);
    expect(html).toContain(`action="/factures/${inv.old}/payer"`);
    for (const id of [inv.treasury, inv.small, inv.paid]) expect(html).not.toContain(`/factures/${id}/payer`);
    expect(html).toContain(`Paiement en ligne possible à partir de ${euros(100)}`);
    expect(html).toContain(`href="/factures/${inv.toPay}/apercu"`);
    expect(html).toContain(`href="/factures/${inv.toPay}/telecharger" download`);
    expect(html).toContain("Mes règlements");
    expect(html).toContain("Règlement par chèque");

    const paid = await (await parent.get("/factures?etat=paid")).text();
    expect(paid).toContain(">EJ-904<");
    expect(paid).not.toContain(">EJ-901<");
  });

  it("the home page counts the invoices to pay and lists the unpaid ones with « Payer »", async () => {
    const home = await (await parent.get("/")).text();
    // A title handed to the Treasury is still owed (issue 10): listed, paid to the Treasury.
    expect(home).toContain("4 factures à payer");
    expect(home).toContain("Factures impayées");
    for (const id of [inv.old, inv.toPay, inv.small]) expect(home).toContain(`href="/factures/${id}">Payer`);
    expect(home).toContain(`href="/factures/${inv.treasury}">À régler auprès du Trésor public`);
    expect(home).not.toContain(`href="/factures/${inv.treasury}">Payer`);
    expect(home).not.toContain(`href="/factures/${inv.paid}">Payer`);
  });
});

describe("invoice detail and PDF", () => {
  it("shows the lines, payments and state of the household's own invoice", async () => {
    const html = await (await parent.get(`/factures/${inv.paid}`)).text();
    expect(html).toContain("Facture n° EJ-904");
    expect(html).toContain("Désignation");
    expect(html).toContain(euros(400));
    expect(html).toContain(`Règlement par chèque, ${euros(1200)}`);
    expect(html).toContain(">Payée<");
  });

  it("serves the PDF inline and as a download, with the number", async () => {
    const preview = await parent.get(`/factures/${inv.toPay}/apercu`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get("content-type")).toBe("application/pdf");
    expect(preview.headers.get("content-disposition")).toBe('inline; filename="facture-EJ-901.pdf"');
    expect(
      Buffer.from(await preview.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const download = await parent.get(`/factures/${inv.toPay}/telecharger`);
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="facture-EJ-901.pdf"');
  });

  it("the PDF holds the town, the household, the lines, the totals and how to pay", async () => {
    const staff = { role: "app_staff" as const, tenantId: tenant.id, userId: null };
    const text = pdfText(
      await p.db.withTenant(staff, (trx) =>
        invoicePdf(trx, tenant, inv.toPay as string, { compress: false }),
      ),
    );
    for (const piece of [
      "Facture n° EJ-901",
      tenant.config.name,
      tenant.config.contact.phone,
      "M. et Mme DUPONT",
      "N° Famille : 1001001818331",
      "Date d'échéance : 02/12/2026",
      "Accueil du mercredi – journée",
      euros(1500),
      "Reste à payer",
      "Comment payer",
      "PayFiP",
      "CESU",
    ])
      expect(text).toContain(piece);
    const treasury = pdfText(
      await p.db.withTenant(staff, (trx) =>
        invoicePdf(trx, tenant, inv.treasury as string, { compress: false }),
      ),
    );
    expect(treasury).toContain("Titre émis (ORMC n° 2026-7) : à régler auprès du Trésor public.");
    expect(treasury).not.toContain("PayFiP");
  });

  it("a long invoice runs over several pages without losing a line", async () => {
    const lines = Array.from({ length: 70 }, (_, i): [string, number, number] => [
      `Restauration jour ${i + 1}`,
      1,
      410,
    ]);
    const id = await issuedInvoice(p.owner, dupont, { number: "EJ-950", seq: 950, lines });
    const staff = { role: "app_staff" as const, tenantId: tenant.id, userId: null };
    const pdf = await p.db.withTenant(staff, (trx) => invoicePdf(trx, tenant, id, { compress: false }));
    // Each page holds whole rows: as many « 4,10 € » (tarif and montant) as twice its labels.
    const pages = [...pdf.toString("latin1").matchAll(/stream\r?\n([\s\S]*?)endstream/g)]
      .map((m) => pdfText(Buffer.from(m[1] as string, "latin1")))
      .filter((t) => t.includes("Restauration jour"));
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages)
      expect(page.split(euros(410)).length - 1).toBe(2 * (page.split("Restauration jour").length - 1));
    const text = pdfText(pdf);
    expect(text).toContain("Restauration jour 70");
    expect(text).toContain(euros(70 * 410));
    await p.owner.deleteFrom("invoice_lines").where("invoice_id", "=", id).execute();
    await p.owner.deleteFrom("invoices").where("id", "=", id).execute();
  });

  it("another household's invoice is not found: page, PDFs and payment", async () => {
    for (const path of ["", "/apercu", "/telecharger"])
      expect((await parent.get(`/factures/${inv.other}${path}`)).status).toBe(404);
    expect((await parent.post(`/factures/${inv.other}/payer`)).status).toBe(404);
    expect(await attempts(inv.other as string)).toHaveLength(0);
    expect((await parent.get("/factures/pas-une-facture")).status).toBe(404);
  });
});

describe("« Payer en ligne »", () => {
  it("sends the parent to PayFiP for what is left, with the parent's e-mail", async () => {
    const res = await parent.post(`/factures/${inv.toPay}/payer`);
    expect(res.status).toBe(303);
    const url = new URL(res.headers.get("location") as string);
    expect(url.origin + url.pathname).toBe(`${sim.url}/tpa/paiementws.web`);
    const op = sim.control.operation(url.searchParams.get("idop") as string);
    expect(op?.request.montant).toBe("1500");
    expect(op?.request.mel).toBe("jean.dupont@plombieres.test");
    expect(op?.request.urlredirect).toBe(`http://${HOST}/paiement/retour`);
    expect(op?.request.urlnotif).toBe(`http://${HOST}/paiement/notification`);
  });

  it("refuses a second attempt, a paid invoice and a Treasury invoice on the invoice page, paying nothing", async () => {
    const again = await parent.post(`/factures/${inv.toPay}/payer`);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("déjà en cours");
    const paid = await parent.post(`/factures/${inv.paid}/payer`);
    expect(paid.status).toBe(409);
    expect(await paid.text()).toContain("déjà payée");
    const treasury = await parent.post(`/factures/${inv.treasury}/payer`);
    expect(treasury.status).toBe(409);
    const html = await treasury.text();
    expect(html).toContain("Trésor public");
    expect(html).toContain("Facture n° EJ-902");
    expect(await attempts(inv.treasury as string)).toHaveLength(0);
    expect(
      await p.owner
        .selectFrom("payments")
        .selectAll()
        .where("invoice_id", "in", [inv.toPay, inv.treasury] as string[])
        .execute(),
    ).toHaveLength(0);
  });

  it("PayFiP down: back to the invoice with the message; a forged cross-site POST is refused", async () => {
    sim.control.injectFault("creerPaiementSecurise", { kind: "http", status: 503 }, 10);
    const down = await parent.post(`/factures/${inv.old}/payer`);
    expect(down.status).toBe(502);
    expect(await down.text()).toContain("Le paiement en ligne n&#39;a pas pu commencer");
    sim.control.reset();
    const forged = await parent.post(
      `/factures/${inv.old}/payer`,
      {},
      { Origin: "http://evil.localhost:3000" },
    );
    expect(forged.status).toBe(403);
    expect((await attempts(inv.old as string)).map((a) => a.state)).toEqual(["error"]);
  });
});

describe("« Relevé de compte »", () => {
  it("the current school year: ancien solde, operations, totals, and solde = ancien solde + débits − crédits", async () => {
    const html = await (await parent.get("/releve")).text();
    expect(html).toContain('<option value="2026-2027" selected>');
    expect(html).toContain('<option value="2025-2026">');
    const staff = { role: "app_staff" as const, tenantId: tenant.id, userId: null };
    const regie = await p.owner
      .selectFrom("regies")
      .select("id")
      .where("tenant_id", "=", tenant.id)
      .executeTakeFirstOrThrow();
    const s = await p.db.withTenant(staff, (trx) => statementFor(trx, dupont, regie.id, "2026-2027"));
    expect([s.openingCents, s.debitCents, s.creditCents, s.balanceCents]).toEqual([1000, 3550, 1200, 3350]);
    expect(html).toContain("Ancien solde");
    expect(html).toContain("Facture EJ-901");
    expect(html).toContain("Règlement par chèque – facture EJ-904");
    expect(html).toContain(`<strong id="solde">${euros(3350)}</strong>`);
    const last = await (await parent.get(`/releve?annee=2025-2026&regie=${regie.id}`)).text();
    expect(last).toContain(`<strong id="solde">${euros(1000)}</strong>`);
    expect(last).not.toContain("Facture EJ-901");
  });
});
