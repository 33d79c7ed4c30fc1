import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { monthLabel, shortDate } from "../../../lib/dates.ts";
import { brandOf, drawBrand, type PdfBrand } from "../../../lib/pdf-brand.ts";
import { type Doc, openDocument, tableRow } from "../../../lib/pdf-document.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { euros } from "../pricing/pricing.ts";
import { type InvoiceDetail, invoiceDetail, treasuryLabel } from "./invoices-view.ts";

/** Columns of the lines table: Désignation, Quantité, Tarif, Montant (x, width, alignment). */
const COLUMNS = [
  { title: "Désignation", x: 50, width: 270, align: "left" },
  { title: "Quantité", x: 325, width: 60, align: "right" },
  { title: "Tarif", x: 390, width: 75, align: "right" },
  { title: "Montant", x: 470, width: 75, align: "right" },
] as const;

// A month of daily lines runs over a page: tableRow breaks before a row, never inside one.
const row = (doc: Doc, cells: string[], bold = false) => tableRow(doc, COLUMNS, cells, { bold, size: 10.5 });

function header(doc: Doc, tenant: Tenant, d: InvoiceDetail, household: Household) {
  const c = tenant.config.contact;
  const top = doc.y;
  doc.font("Helvetica").fontSize(9.5).text(c.service).text(c.address).text(`Tél. ${c.phone} – ${c.email}`);
  doc.text(d.invoice.regieName);
  const left = doc.y;
  doc.y = top;
  doc.fontSize(10.5).font("Helvetica-Bold").text(household.name, 320);
  doc.font("Helvetica").text(`N° Famille : ${household.number}`, 320);
  if (household.address_line) doc.text(household.address_line, 320);
  const city = [household.postal_code, household.city].filter(Boolean).join(" ");
  if (city) doc.text(city, 320);
  doc.x = 50;
  doc.y = Math.max(doc.y, left);
}

function title(doc: Doc, d: InvoiceDetail) {
  const i = d.invoice;
  const what = i.kind === "credit_note" ? "Avoir" : "Facture";
  doc.moveDown(1.5).font("Helvetica-Bold").fontSize(16).text(`${what} n° ${i.number}`);
  doc.font("Helvetica").fontSize(10.5);
  if (i.month) doc.text(`Période : ${monthLabel(i.month.slice(0, 7))}`);
  doc.text(`Date d'émission : ${shortDate(i.issuedOn)}`);
  if (i.dueOn && i.kind === "invoice") doc.text(`Date d'échéance : ${shortDate(i.dueOn)}`);
  if (d.credited) doc.text(`Avoir sur la facture n° ${d.credited.number}`);
  doc.moveDown(1);
}

/**
 * Lines priced below another child's line of the same service and day: the sibling reduction.
 * The service is the label's part before « – ».
 */
function reducedLines(d: InvoiceDetail): Set<number> {
  const top = new Map<string, number>();
  const key = (l: InvoiceDetail["lines"][number]) => `${l.day}|${l.label.split(" – ")[0]}`;
  for (const l of d.lines) top.set(key(l), Math.max(top.get(key(l)) ?? 0, l.unitCents));
  return new Set(d.lines.flatMap((l, i) => (l.day && l.unitCents < (top.get(key(l)) ?? 0) ? [i] : [])));
}

function lines(doc: Doc, d: InvoiceDetail) {
  const reduced = reducedLines(d);
  row(
    doc,
    COLUMNS.map((c) => c.title),
    true,
  );
  doc.moveTo(50, doc.y).lineTo(545, doc.y).stroke().moveDown(0.3);
  d.lines.forEach((l, i) => {
    row(doc, [
      `${l.day ? `${l.label} – ${shortDate(l.day)}` : l.label}${reduced.has(i) ? " *" : ""}`,
      String(l.quantity),
      euros(l.unitCents),
      euros(l.amountCents),
    ]);
  });
  doc.moveTo(50, doc.y).lineTo(545, doc.y).stroke().moveDown(0.3);
  const i = d.invoice;
  row(doc, ["Total", "", "", euros(i.totalCents)], true);
  if (i.kind === "invoice") {
    row(doc, ["Déjà réglé", "", "", euros(i.totalCents - i.leftCents)]);
    row(doc, ["Reste à payer", "", "", euros(i.leftCents)], true);
  }
  if (reduced.size)
    doc
      .moveDown(0.5)
      .font("Helvetica")
      .fontSize(9.5)
      .text(
        "* Réduction fratrie : tarif réduit pour le deuxième enfant et les suivants inscrits au même service le même jour.",
        50,
      )
      .fontSize(10.5);
}

function howToPay(doc: Doc, tenant: Tenant, d: InvoiceDetail) {
  const i = d.invoice;
  if (i.kind !== "invoice") return;
  doc.moveDown(1.5).font("Helvetica-Bold").fontSize(12).text("Comment payer");
  doc.font("Helvetica").fontSize(10.5);
  if (i.treasuryRef) {
    doc.text(`${treasuryLabel(i.treasuryRef)} : à régler auprès du Trésor public.`);
    return;
  }
  if (i.leftCents === 0) {
    doc.text("Cette facture est réglée. Merci.");
    return;
  }
  doc.text(
    "En ligne, par carte bancaire ou prélèvement, sur votre portail famille (« Mes factures », « Payer en ligne ») : paiement sécurisé PayFiP de la Direction générale des Finances publiques.",
  );
  doc
    .moveDown(0.3)
    .text(
      `Auprès de la régie (${i.regieName}), ${tenant.config.contact.service}, ${tenant.config.contact.address} : par chèque, en espèces ou en CESU. Rappelez le n° de facture ${i.number}.`,
    );
}

interface Household {
  name: string;
  number: string;
  address_line: string | null;
  postal_code: string | null;
  city: string | null;
}

function render(
  tenant: Tenant,
  brand: PdfBrand,
  d: InvoiceDetail,
  household: Household,
  compress: boolean,
): Promise<Buffer> {
  const { doc, done } = openDocument({
    title: `${d.invoice.kind === "credit_note" ? "Avoir" : "Facture"} ${d.invoice.number}`,
    author: tenant.config.name,
    compress,
  });
  drawBrand(doc, brand);
  header(doc, tenant, d, household);
  title(doc, d);
  lines(doc, d);
  howToPay(doc, tenant, d);
  doc.end();
  return done;
}

/**
 * The invoice or credit note as a PDF, for parents (RLS: their own only) and staff alike.
 * `compress: false` leaves the text readable in the file (tests).
 */
export async function invoicePdf(
  trx: Trx,
  tenant: Tenant,
  invoiceId: string,
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const detail = await invoiceDetail(trx, invoiceId);
  if (!detail) throw notFound();
  const household = await trx
    .selectFrom("households")
    .select(["name", "number", "address_line", "postal_code", "city"])
    .where("id", "=", detail.invoice.householdId)
    .executeTakeFirst();
  if (!household) throw notFound();
  return render(tenant, await brandOf(tenant), detail, household, options.compress ?? true);
}
