/** An amount typed by staff in euros, French style (« 12,50 », « 1 234,5 », « 12 € »), read into integer cents. */
export type EurosInput = { ok: true; cents: number } | { ok: false; error: string };

const SHAPE = /^(\d{1,7})(?:[.,](\d+))?$/;

export function parseEuros(value: unknown): EurosInput {
  const text = typeof value === "string" ? value.replace(/[\s\u00a0\u202f]/g, "").replace(/€$/, "") : "";
  if (!text) return { ok: false, error: "Indiquez le montant en euros, par exemple 12,50." };
  const m = SHAPE.exec(text);
  if (!m) return { ok: false, error: "Le montant doit être un nombre en euros, par exemple 12,50." };
  const decimals = m[2] ?? "";
  if (decimals.length > 2)
    return { ok: false, error: "Le montant a au plus deux chiffres après la virgule." };
  const cents = Number(m[1]) * 100 + Number(decimals.padEnd(2, "0"));
  if (cents <= 0) return { ok: false, error: "Le montant doit être supérieur à zéro." };
  return { ok: true, cents };
}
