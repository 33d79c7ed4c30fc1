/**
 * The school map (« carte scolaire »): streets → public school. A street is matched on its
 * name without the house number, accents, case or punctuation, so « 12, Rue des Écoles »
 * finds « rue des ecoles ».
 */
export function streetKey(address: string): string {
  return address
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/^\s*\d+\s*(bis|ter|b|t)?\s*,?\s*/, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

export type MapParse =
  | { ok: true; rows: { key: string; street: string; school: string }[] }
  | { ok: false; error: string };

/** A « ; »- or « , »-separated file « rue;école » (a first line naming the columns is skipped). */
export function parseMap(text: string): MapParse {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const rows = new Map<string, { key: string; street: string; school: string }>();
  for (const [i, raw] of lines.entries()) {
    if (!raw.trim()) continue;
    const cells = raw.split(raw.includes(";") ? ";" : ",").map((c) => c.trim().replace(/^"|"$/g, ""));
    if (i === 0 && /rue|voie|adresse/i.test(cells[0] ?? "") && /[ée]cole/i.test(cells[1] ?? "")) continue;
    const [street = "", school = ""] = cells;
    if (!street || !school || cells.length !== 2)
      return { ok: false, error: `Ligne ${i + 1} : deux colonnes attendues, « rue ; école ».` };
    if (street.length > 200 || school.length > 200)
      return { ok: false, error: `Ligne ${i + 1} : 200 caractères au maximum par colonne.` };
    rows.set(streetKey(street), { key: streetKey(street), street, school });
  }
  if (rows.size === 0) return { ok: false, error: "Le fichier ne contient aucune rue." };
  return { ok: true, rows: [...rows.values()] };
}
