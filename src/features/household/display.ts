/** How the household file's values read on its pages (French formats). */

const DATE = new Intl.DateTimeFormat("fr-FR", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});
const EUROS = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const DECIMAL = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });

const empty = (v: unknown) => v === null || v === undefined || v === "";

/** « 1 janvier 1990 » from a calendar date (no time zone may shift it). */
export const date = (v: unknown) => (empty(v) ? "–" : DATE.format(new Date(`${v}T00:00:00Z`)));

export const sex = (v: unknown) => (v === "M" ? "Masculin" : v === "F" ? "Féminin" : "–");

export const euros = (v: unknown) => (empty(v) ? "–" : EUROS.format(Number(v)));

export const decimal = (v: unknown) => (empty(v) ? "–" : DECIMAL.format(Number(v)));

export const yesNo = (v: unknown) => (v ? "Oui" : "Non");

export const text = (v: unknown) => (empty(v) ? "–" : String(v));

export const regime = (v: unknown) => (v === "AUTRE" ? "Autre" : text(v));

/** « M. Jean DUPONT ». */
export const fullName = (v: Record<string, unknown> | null) =>
  v ? [v.civility, v.first_name, v.last_name].filter((x) => !empty(x)).join(" ") : "–";

/** The postal address on one or two lines. */
export const address = (v: Record<string, unknown> | null) =>
  v
    ? [v.address_line, [v.postal_code, v.city].filter((x) => !empty(x)).join(" ")].filter((x) => !empty(x))
    : [];
