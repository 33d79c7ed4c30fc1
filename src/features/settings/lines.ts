/**
 * Lists the admin types one item a line, « a | b | c »: the settings' text areas (document
 * types, absence reasons, consents). A string result is the French message for the field.
 */
export function parseLines<T>(
  text: string,
  example: string,
  build: (parts: string[]) => T | null,
): T[] | string {
  const items: T[] = [];
  for (const line of text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const item = build(line.split("|").map((p) => p.trim()));
    if (!item) return `Ligne « ${line} » : écrivez « ${example} ».`;
    items.push(item);
  }
  return items;
}

export const KEY = /^[a-z0-9_]+$/;
/** A label turned into a key when the admin leaves it out: « Brevet de natation » → brevet_de_natation. */
export const keyOf = (label: string) =>
  label
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

type Raw = Record<string, string | string[]>;

/** A field's value as typed, trimmed (the last one when the field is sent more than once). */
export const one = (raw: Raw, k: string) => {
  const v = raw[k];
  return (Array.isArray(v) ? v[v.length - 1] : v)?.trim() ?? "";
};
