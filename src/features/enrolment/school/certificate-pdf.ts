import PDFDocument from "pdfkit";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { SchoolRequestRow } from "./repo.ts";

const frDate = (iso: string) => iso.split("-").reverse().join("/");

/** « Certificat d'inscription scolaire », for the school's director. */
export function certificatePdf(tenant: Tenant, r: SchoolRequestRow, today: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: { Title: "Certificat d'inscription scolaire" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  const c = tenant.config.contact;
  doc.font("Helvetica-Bold").fontSize(12).text(tenant.config.name);
  doc.font("Helvetica").fontSize(9.5).text(c.service).text(c.address).text(`Tél. ${c.phone} – ${c.email}`);
  doc
    .moveDown(2)
    .font("Helvetica-Bold")
    .fontSize(16)
    .text("Certificat d'inscription scolaire", { align: "center" });
  doc.font("Helvetica").fontSize(10.5).text(`N° ${r.certificate_number}`, { align: "center" });
  doc.moveDown(2).fontSize(11.5);
  const address = [r.address_line, [r.postal_code, r.city].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  doc.text(
    `Le maire certifie que l'enfant ${r.first_name} ${r.last_name}, né(e) le ${frDate(r.birth_date)}, ` +
      `domicilié(e) ${address || "dans la commune"}, est inscrit(e) à l'école ${r.school}, ` +
      `en classe de ${r.level}, pour l'année scolaire ${r.school_year}.`,
    { align: "justify" },
  );
  if (r.derogation) doc.moveDown(1).text("Inscription accordée par dérogation à la carte scolaire.");
  doc
    .moveDown(1)
    .text("Ce certificat est à remettre au directeur ou à la directrice de l'école pour l'admission.");
  doc.moveDown(2).text(`Fait le ${frDate(today)}, pour le maire et par délégation.`, { align: "right" });
  doc.end();
  return done;
}
