import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "../../src/lib/csv.ts";

describe("CSV for the canteen (« ; », Excel)", () => {
  it("leaves plain text and numbers alone", () => {
    expect(csvCell("Emma-Rose")).toBe("Emma-Rose");
    expect(csvCell(12)).toBe("12");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("quotes separators, quotes and line breaks", () => {
    expect(csvCell("arachides; kiwi")).toBe('"arachides; kiwi"');
    expect(csvCell('dit "Loulou"')).toBe('"dit ""Loulou"""');
    expect(csvCell("ligne 1\nligne 2")).toBe('"ligne 1\nligne 2"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
  });

  it("neutralises cells a spreadsheet would run as a formula", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("+33 6")).toBe("'+33 6");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tcmd")).toBe("'\tcmd");
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes a BOM, « ; » between cells and CRLF between lines", () => {
    const text = toCsv([
      ["Nom", "Prénom"],
      ["TEST", "Paul"],
    ]);
    expect(text).toBe("\uFEFFNom;Prénom\r\nTEST;Paul\r\n");
  });
});
