import { inflateSync } from "node:zlib";

/** WinAnsi (pdfkit's standard fonts) is latin-1 but for a few signs in 0x80–0x9f. */
const WIN_ANSI: Record<string, string> = { "\x80": "€", "\x85": "…", "\x92": "’", "\x96": "–", "\x97": "—" };
const winAnsi = (hex: string) =>
  Buffer.from(hex, "hex")
    .toString("latin1")
    .replace(/[\x80-\x9f]/g, (ch) => WIN_ANSI[ch] ?? ch);

/** The text drawn in an uncompressed pdfkit file: its TJ arrays of hex strings, one per line. */
export function pdfText(pdf: Buffer): string {
  const arrays = pdf.toString("latin1").match(/\[([^\]]*)\] TJ/g) ?? [];
  return arrays
    .map((a) => [...a.matchAll(/<([0-9a-f]+)>/gi)].map((m) => winAnsi(m[1] as string)).join(""))
    .join("\n");
}

/** pdfkit's fill operator for a « #rrggbb » colour (« r g b scn », components 0–1). */
export function fillOf(hex: string): string {
  const n = (i: number) => Number.parseInt(hex.slice(i, i + 2), 16) / 255;
  return `${n(1)} ${n(3)} ${n(5)} scn`;
}

/** The same for a compressed pdfkit file (as served): its deflated streams first inflated. */
export function inflatedPdfText(pdf: Buffer): string {
  const streams = pdf.toString("latin1").matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g);
  const inflated = [...streams].map(([, body]) => {
    try {
      return inflateSync(Buffer.from(body as string, "latin1")).toString("latin1");
    } catch {
      return "";
    }
  });
  return pdfText(Buffer.from(inflated.join("\n"), "latin1"));
}
