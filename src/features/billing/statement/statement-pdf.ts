import type { Trx } from "../../../db/database.ts";
import { shortDate } from "../../../lib/dates.ts";
import { brandOf, drawBrand } from "../../../lib/pdf-brand.ts";
import { type Doc, openDocument, tableRow } from "../../../lib/pdf-document.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { euros } from "../pricing/pricing.ts";
import type { Statement } from "./statement.ts";
import { statementPage } from "./statement-view.ts";

const COLUMNS = [
  { x: 50, width: 70, align: "left" },
  { x: 125, width: 240, align: "left" },
  { x: 370, width: 85, align: "right" },
  { x: 460, width: 85, align: "right" },
] as const;

const row = (doc: Doc, cells: string[], bold = false) => tableRow(doc, COLUMNS, cells, { bold, size: 10 });

/** « Ancien solde », the operations, their totals and « Solde du compte ». */
function operations(doc: Doc, s: Statement) {
  row(doc, ["Date", "Opération", "Débit", "Crédit"], true);
  row(doc, [
    "",
    "Ancien solde",
    s.openingCents > 0 ? euros(s.openingCents) : "",
    s.openingCents < 0 ? euros(-s.openingCents) : "",
  ]);
  for (const o of s.operations)
    row(doc, [
      shortDate(o.date),
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
  const { doc, done } = openDocument({
    title: `Relevé de compte ${data.year}`,
    author: tenant.config.name,
    compress: asked.compress,
  });
  drawBrand(doc, await brandOf(tenant));
  doc.font("Helvetica-Bold").fontSize(16).text("Relevé de compte");
  doc.font("Helvetica").fontSize(10.5).text(`${household.name} – N° Famille : ${household.number}`);
  doc.text(`Année scolaire ${data.year}${data.regie ? ` – ${data.regie.name}` : ""}`).moveDown(1);
  if (data.statement) operations(doc, data.statement);
  else doc.text("La commune n'a pas de régie.");
  const c = tenant.config.contact;
  doc.moveDown(1).font("Helvetica").fontSize(9.5).text(`${c.service} – ${c.phone} – ${c.email}`, 50);
  doc.end();
  return { pdf: await done, year: data.year };
}
