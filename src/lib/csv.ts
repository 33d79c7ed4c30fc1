/** A CSV cell value: text is escaped, numbers are written as they are. */
export type Cell = string | number | null | undefined;

const BOM = "\uFEFF";
const SEPARATOR = ";";
// A text cell starting with one of these is read by spreadsheets as a formula (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[";\r\n]/;

/** One cell for a « ; »-separated file opened in Excel or LibreOffice. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole file: a UTF-8 byte order mark (so Excel reads accents right), CRLF line ends. */
export function toCsv(rows: Cell[][]): string {
  return `${BOM}${rows.map((row) => row.map(csvCell).join(SEPARATOR)).join("\r\n")}\r\n`;
}
