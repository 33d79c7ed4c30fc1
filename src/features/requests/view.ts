import { ACCOUNT_SECTIONS as ACCOUNT, SECTIONS, type Section } from "../../tenancy/config-schema.ts";
import { sections } from "./registry.ts";

/** « Mon compte » sections of « Liste des demandes »; every other section is about a child. */
export const ACCOUNT_SECTIONS: readonly Section[] = ACCOUNT;
export const CHILD_SECTIONS: readonly Section[] = SECTIONS.filter((s) => !ACCOUNT_SECTIONS.includes(s));

// The seeds' labels, for a section whose handler is not registered (its feature not built yet).
export const FALLBACK_LABELS: Partial<Record<Section, string>> = {
  responsable: "Informations responsable",
  conjoint: "Informations conjoint",
  coordonnees: "Coordonnées",
  fiscal: "Informations fiscales",
  caf: "Informations CAF",
  bancaire: "Informations bancaires",
  ajout_enfant: "Ajout enfant",
  autorisations: "Autorisations",
  donnees_complementaires: "Données complémentaires",
  donnees_sanitaires: "Données sanitaires",
  personnes_autorisees: "Personnes autorisées",
};

export const STATUS_LABELS = {
  pending: "En attente",
  accepted: "Acceptée",
  refused: "Refusée",
  withdrawn: "Retirée",
} as const;

export const STATUS_HEADINGS = {
  pending: "Demandes en attente",
  accepted: "Demandes acceptées",
  refused: "Demandes refusées",
  withdrawn: "Demandes retirées",
} as const;

export function sectionLabel(section: string): string {
  return sections[section as Section]?.label ?? FALLBACK_LABELS[section as Section] ?? section;
}

// Bank and health data stay masked even before their section's handler says so.
const ALWAYS_SENSITIVE = ["bancaire", "donnees_sanitaires"];

export const MASKED = "Information masquée";

export function display(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? "Oui" : "Non";
  return String(value);
}

const DATE = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" });
export const date = (d: Date | null) => (d ? DATE.format(d) : "–");

interface RequestRow {
  section: string;
  current_values: Record<string, unknown>;
  proposed_values: Record<string, unknown>;
}

/** Each requested field: its French label, the value before and the value asked for. */
export function changeLines(r: RequestRow, options: { mask: boolean }) {
  const handler = sections[r.section as Section];
  const masked = options.mask && (handler?.sensitive === true || ALWAYS_SENSITIVE.includes(r.section));
  // jsonb keeps keys in its own order: show them in the section's order.
  const order = Object.keys(handler?.fields ?? {});
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const keys = Object.keys(r.proposed_values).sort((a, b) => rank(a) - rank(b));
  return keys.map((k) => ({
    label: handler?.fields[k] ?? k,
    old: masked ? MASKED : display(r.current_values[k]),
    new: masked ? MASKED : display(r.proposed_values[k]),
  }));
}
