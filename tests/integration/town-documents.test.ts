import { afterAll, beforeAll, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../src/demo/seed.ts";
import { invoicePdf } from "../../src/features/billing/invoices/invoice-pdf.ts";
import type { Tenant } from "../../src/tenancy/resolve.ts";
import { client } from "../helpers/client.ts";
import { fillOf, pdfText } from "../helpers/pdf-text.ts";
import { completeFile, townOf } from "../helpers/planning-fixture.ts";
import { createTestPlatform, type TestPlatform } from "../helpers/platform.ts";
import { issuedInvoice } from "./billing-parent-fixture.ts";

// Invoices, the child sheet and the statement carry the town's logo and colour, and the
// invoice explains a sibling reduction (issue 11 item 6).

let p: TestPlatform;
let tenant: Tenant;
let dupont: string;
let parent: ReturnType<typeof client>;
beforeAll(async () => {
  p = await createTestPlatform();
  dupont = await completeFile(p, "plombieres", "1001001818331");
  tenant = await townOf(p, "plombieres");
  parent = client(p.app, "plombieres.localhost:3000");
  expect((await parent.login("jdupont", DEMO_PASSWORD)).status).toBe(303);
}, 120_000);
afterAll(async () => {
  await p?.close();
});

const branded = (pdf: Buffer) => {
  const raw = pdf.toString("latin1");
  expect(raw).toContain("/Subtype /Image");
  expect(raw).toContain(fillOf(tenant.config.branding.primary));
  expect(pdfText(pdf).replace(/\n/g, " ")).toContain(tenant.config.name);
};

it("an invoice carries the town's logo and colour and explains the sibling reduction", async () => {
  const id = await issuedInvoice(p.owner, dupont, {
    number: "EJ-700",
    seq: 700,
    lines: [
      ["Accueil du mercredi – Lucas DUPONT", 1, 900],
      ["Accueil du mercredi – Léa DUPONT", 1, 810],
    ],
  });
  await p.owner
    .updateTable("invoice_lines")
    .set({ day: "2026-10-07" })
    .where("invoice_id", "=", id)
    .execute();
  const staff = { role: "app_staff" as const, tenantId: tenant.id, userId: null };
  const pdf = await p.db.withTenant(staff, (trx) => invoicePdf(trx, tenant, id, { compress: false }));
  branded(pdf);
  const text = pdfText(pdf);
  expect(text).toContain("Accueil du mercredi – Léa DUPONT – 07/10/2026 *");
  expect(text).not.toContain("Lucas DUPONT – 07/10/2026 *");
  expect(text).toContain("* Réduction fratrie : tarif réduit pour le deuxième enfant");
});

it("the « Relevé de compte » downloads as a PDF in the town's colours", async () => {
  const page = await (await parent.get("/releve")).text();
  const link = /href="(\/releve\/pdf\?[^"]+)" download>Télécharger le relevé \(PDF\)/.exec(page)?.[1];
  expect(link).toBeDefined();
  const res = await parent.get((link as string).replace(/&amp;/g, "&"));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/pdf");
  expect(res.headers.get("content-disposition")).toMatch(
    /^attachment; filename="releve-de-compte-\d{4}-\d{4}\.pdf"$/,
  );
  const pdf = Buffer.from(await res.arrayBuffer());
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  expect(pdf.toString("latin1")).toContain("/Subtype /Image");
  const other = client(p.app, "plombieres.localhost:3000");
  expect((await other.get("/releve/pdf")).status).not.toBe(200);
});

it("the child sheet carries the town's logo", async () => {
  const child = await p.owner
    .selectFrom("children")
    .select("id")
    .where("household_id", "=", dupont)
    .executeTakeFirstOrThrow();
  const res = await parent.get(`/enfants/${child.id}/fiche`);
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).toString("latin1")).toContain("/Subtype /Image");
});
