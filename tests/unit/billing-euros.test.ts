import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { euros } from "../../src/features/billing/pricing/pricing.ts";
import { euros as eurosField } from "../../src/lib/form-fields.ts";

/** The staff amount field, as the forms read it. */
function parseEuros(typed: unknown) {
  const r = eurosField().safeParse(typed);
  return r.success
    ? { ok: true as const, cents: r.data }
    : { ok: false as const, error: r.error.issues[0]?.message ?? "" };
}

describe("parseEuros (amounts typed by staff)", () => {
  it.each([
    ["12,50", 1250],
    ["12,5", 1250],
    ["12", 1200],
    ["0,01", 1],
    ["12.50", 1250],
    [" 1 234,56 ", 123456],
    ["1\u202f234,56", 123456],
    ["7,70 €", 770],
  ])("reads « %s » as %i cents", (typed, cents) => {
    expect(parseEuros(typed)).toEqual({ ok: true, cents });
  });

  it.each([
    ["", "Indiquez le montant"],
    [undefined, "Indiquez le montant"],
    ["12,505", "au plus deux chiffres"],
    ["0", "supérieur à zéro"],
    ["0,00", "supérieur à zéro"],
    ["-3", "un nombre en euros"],
    ["12,", "un nombre en euros"],
    ["douze", "un nombre en euros"],
    ["1,2,3", "un nombre en euros"],
    ["1e3", "un nombre en euros"],
  ])("refuses « %s »", (typed, message) => {
    const r = parseEuros(typed);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it("reads back what euros() writes, for any amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), (cents) => {
        expect(parseEuros(euros(cents))).toEqual({ ok: true, cents });
      }),
    );
  });
});
