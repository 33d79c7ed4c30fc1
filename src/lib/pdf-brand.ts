import type PDFDocument from "pdfkit";
import sharp from "sharp";
import type { Tenant } from "../tenancy/resolve.ts";

type Doc = InstanceType<typeof PDFDocument>;

/** What a town's documents carry: its name, colour and logo (PDF has no SVG: a PNG of it). */
export interface PdfBrand {
  name: string;
  primary: string;
  logo: Buffer | null;
}

// One rasterised logo per distinct SVG: a town's logo changes rarely, and a few towns share a process.
const logos = new Map<string, Promise<Buffer | null>>();

function logoPng(svg: string | null): Promise<Buffer | null> {
  if (!svg) return Promise.resolve(null);
  let png = logos.get(svg);
  if (!png) {
    png = sharp(Buffer.from(svg), { density: 200 })
      .resize(160, 160, { fit: "contain", background: { r: 255, g: 255, b: 255, alpha: 0 } })
      .png()
      .toBuffer()
      .catch(() => null);
    logos.set(svg, png);
  }
  return png;
}

export async function brandOf(tenant: Tenant): Promise<PdfBrand> {
  return {
    name: tenant.config.name,
    primary: tenant.config.branding.primary,
    logo: await logoPng(tenant.logoSvg),
  };
}

/**
 * The top of every town document (invoice, statement, child sheet): a band in the town's
 * colour, its logo and name. Leaves the cursor under it, at the left margin.
 */
export function drawBrand(doc: Doc, brand: PdfBrand): void {
  const left = doc.page.margins.left;
  doc.save().rect(0, 0, doc.page.width, 12).fill(brand.primary).restore();
  const top = 30;
  if (brand.logo) doc.image(brand.logo, left, top, { fit: [48, 48] });
  const x = brand.logo ? left + 58 : left;
  doc
    .fillColor(brand.primary)
    .font("Helvetica-Bold")
    .fontSize(12)
    .text(brand.name, x, top + 8);
  doc.fillColor("#1a1a1a").font("Helvetica").fontSize(9.5).text("Portail Famille", x, doc.y);
  doc.x = left;
  doc.y = Math.max(doc.y, top + 52) + 8;
}
