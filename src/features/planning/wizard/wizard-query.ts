import { notFound } from "../../../http/errors.ts";
import type { FormListValues } from "../../../http/forms.ts";
import { isUuid } from "../../../lib/form-fields.ts";

/**
 * The wizard carries its whole state in the request (GET query, then the POST body), so it
 * works without JavaScript and a step can be reloaded or bookmarked: the chosen children
 * (`enfants`), the period (`periode`) and the days (`jours`).
 */
export interface Selection {
  childIds: string[];
  periodId: string | null;
  days: string[];
}

/** « Mode recopie » fields of the planning step. */
export interface RecopyInput {
  from: string;
  to: string;
  weekdays: string[];
}

/** Reads one form/query field as a list, whatever arrived (absent, one value, repeated). */
type Source = (name: string) => string[];

/** Ids that are not UUIDs name nothing that exists: not found, as a foreign child is. */
function ids(values: string[]): string[] {
  if (!values.every(isUuid)) throw notFound();
  return [...new Set(values.map((v) => v.toLowerCase()))];
}

export function selectionFrom(read: Source): Selection {
  const period = read("periode")[0] ?? "";
  if (period && !isUuid(period)) throw notFound();
  return {
    childIds: ids([...read("enfants"), ...read("enfant")].filter(Boolean)),
    periodId: period ? period.toLowerCase() : null,
    days: [...new Set([...read("jours"), ...read("jour")].filter(Boolean))].sort(),
  };
}

export function recopyFrom(read: Source): RecopyInput | null {
  if (!read("recopier").length) return null;
  return { from: read("du")[0] ?? "", to: read("au")[0] ?? "", weekdays: read("semaine") };
}

/** The query string that carries a selection to another step (« Précédent », links). */
export function selectionQuery(sel: Selection): string {
  const q = new URLSearchParams();
  for (const id of sel.childIds) q.append("enfants", id);
  if (sel.periodId) q.set("periode", sel.periodId);
  for (const d of sel.days) q.append("jours", d);
  return q.toString();
}

/** A form read with `readForm(…, { all: true })`, read as lists of strings. */
export function bodySource(values: FormListValues): Source {
  return (name) => {
    const v = values[name];
    return Array.isArray(v) ? v : v === undefined ? [] : [v];
  };
}
