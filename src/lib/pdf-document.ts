import PDFDocument from "pdfkit";

export type Doc = InstanceType<typeof PDFDocument>;

/**
 * A town's A4 document in French (50 pt margins), and its bytes once `doc.end()` is called.
 * `compress: false` leaves the text readable in the file (tests).
 */
export function openDocument(info: { title: string; author: string; compress?: boolean }) {
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    compress: info.compress ?? true,
    info: { Title: info.title, Author: info.author },
    lang: "fr-FR",
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  return { doc, done };
}

export interface Column {
  x: number;
  width: number;
  align: "left" | "right";
}

/**
 * One row of a table, its cells side by side at the columns' places; a row runs over a page
 * by breaking before it, never inside it. Leaves the cursor under the tallest cell.
 */
export function tableRow(
  doc: Doc,
  columns: readonly Column[],
  cells: string[],
  style: { bold?: boolean; size: number },
) {
  if (doc.y > doc.page.height - doc.page.margins.bottom - 30) doc.addPage();
  const y = doc.y;
  let bottom = y;
  doc.font(style.bold ? "Helvetica-Bold" : "Helvetica").fontSize(style.size);
  columns.forEach((c, i) => {
    doc.text(cells[i] ?? "", c.x, y, { width: c.width, align: c.align });
    bottom = Math.max(bottom, doc.y);
  });
  doc.x = 50;
  doc.y = bottom + 3;
}
