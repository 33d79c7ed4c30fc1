import PDFDocument from "pdfkit";
import type { Trx } from "../../../db/database.ts";
import { brandOf, drawBrand } from "../../../lib/pdf-brand.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { euros } from "../pricing/pricing.ts";
import { statementPage } from "./statement-view.ts";

type Doc = InstanceType<typeof PDFDocument>;

const frDate = (iso: string) => iso.split("-").reverse().join("/");

const COLUMNS = [
  { x: 50, width: 70, align: "left" },
  { x: 125, width: 240, align: "left" },
  { x: 370, width: 85, align: "right" },
  { x: 460, width: 85, align: "right" },
] as const;

function row(doc: Doc, cells: string[], bold = false) {
  if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
  const y = doc.y;
  let bottom = y;
  doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(10);
  COLUMNS.forEach((c, i) => {
    doc.text(cells[i] ?? "", c.x, y, { width: c.width, align: c.align });
    bottom = Math.max(bottom, doc.y);
  });
  doc.x = 50;
  doc.y = bottom + 3;
}

function toBuffer(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
}

/**
 * « Relevé de compte » as a PDF in the town's colours: the same school year and régie as the
 * page (RLS: the household's own ledger), « ancien solde », operations, totals and balance.
 */
export async function statementPdf(
  trx: Trx,
  tenant: Tenant,
  householdId: string,
  today: string,
  asked: { year?: string; regieId?: string; compress?: boolean },
): Promise<{ pdf: Buffer; year: string }> {
  const data = await statementPage(trx, householdId, today, asked);
  const household = await trx.selectFrom("households").select(["name", "number"]).executeTakeFirstOrThrow();
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    compress: asked.compress ?? true,
    info: { Title: `Relevé de compte ${data.year}`, Author: tenant.config.name },
    lang: "fr-FR",
  });
  const done = toBuffer(doc);
  drawBrand(doc, await brandOf(tenant));
  doc.font("Helvetica-Bold").fontSize(16).text("Relevé de compte");
  doc.font("Helvetica").fontSize(10.5).text(`${household.name} – N° Famille : ${household.number}`);
  doc.text(`Année scolaire ${data.year}${data.regie ? ` – ${data.regie.name}` : ""}`).moveDown(1);
  const s = data.statement;
  if (!s) doc.text("La commune n'a pas de régie.");
  else {
    row(doc, ["Date", "Opération", "Débit", "Crédit"], true);
    row(doc, [
      "",
      "Ancien solde",
      s.openingCents > 0 ? euros(s.openingCents) : "",
      s.openingCents < 0 ? euros(-s.openingCents) : "",
    ]);
    for (const o of s.operations)
      row(doc, [
        frDate(o.date),
        o.label,
        o.debitCents ? euros(o.debitCents) : "",
        o.creditCents ? euros(o.creditCents) : "",
      ]);
    row(doc, ["", "Total des opérations", euros(s.debitCents), euros(s.creditCents)], true);
    const owed =
      s.balanceCents >= 0 ? `${euros(s.balanceCents)} à payer` : `${euros(-s.balanceCents)} en votre faveur`;
    doc.moveDown(0.5);
    row(doc, ["", `Solde du compte : ${owed}`, "", ""], true);
  }
  doc
    .moveDown(1)
    .font("Helvetica")
    .fontSize(9.5)
    .text(
      `${tenant.config.contact.service} – ${tenant.config.contact.phone} – ${tenant.config.contact.email}`,
      50,
    );
  doc.end();
  return { pdf: await done, year: data.year };
}
