import { z } from "zod";
import {
  colourField,
  contrastIssues,
  IDENTITY_FIELDS,
  type Identity,
  identityConfig,
  identityValues,
  parseLinks,
} from "../../tenancy/branding-form.ts";
import { SECTIONS, type TenantConfig, tenantConfigSchema } from "../../tenancy/config-schema.ts";
import { CHILD_FIELDS, GUARDIAN_FIELDS, HEALTH_FIELDS, HOUSEHOLD_FIELDS } from "../completeness/service.ts";
import { KEY, keyOf, one, parseLines } from "./lines.ts";
import { privacyPart, privacyValues } from "./privacy-form.ts";

/**
 * « Paramètres de la commune »: one form per part of the tenant file a town's admin may set.
 * Each turns its fields into a new configuration that the tenant schema checks again, so the
 * rules are those of tenants/*.yaml. Slug, name, hostnames and login rules are never touched.
 */

export type Raw = Record<string, string | string[]>;
export type Values = Record<string, string | string[]>;
export type Parsed = { ok: true; config: TenantConfig } | { ok: false; errors: Record<string, string> };
export const PARTS = [
  "identite",
  "accueil",
  "dossier",
  "documents",
  "absences",
  "autorisations",
  "donnees",
] as const;
/** The parts of the settings page, each saved by its own form. */
export type Part = (typeof PARTS)[number];

export const MANDATORY_CHOICES = {
  guardian: GUARDIAN_FIELDS,
  household: HOUSEHOLD_FIELDS,
  child: { ...CHILD_FIELDS, ...HEALTH_FIELDS },
} as const;
export const EXTENSIONS = [".pdf", ".jpg", ".jpeg", ".png", ".gif"] as const;
/** The parents' home: its layout, and the tiles a town may add to the seeds' six. */
export const LAYOUTS = { tuiles: "Tuiles", onglets: "Barre de menus (onglets)" } as const;
export const HOME_TILES = { inbox: "Boîte de réception", requestsList: "Liste des demandes" } as const;

const many = (raw: Raw, k: string) => {
  const v = raw[k];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};

type Built = { config: unknown; errors: Record<string, string> };

function identity(raw: Raw, cfg: TenantConfig): Built {
  const errors: Record<string, string> = {};
  for (const f of ["primary", "on_primary"])
    if (!colourField.safeParse(one(raw, f)).success) errors[f] = "Couleur attendue au format #rrggbb.";
  for (const i of contrastIssues(one(raw, "primary"), one(raw, "on_primary")))
    errors[i.path[0] as string] = i.message;
  const links = parseLinks(one(raw, "links"));
  if (typeof links === "string") errors.links = links;
  for (const f of ["contact_service", "contact_phone", "contact_address"])
    if (!one(raw, f)) errors[f] = "Ce champ est obligatoire.";
  if (!z.email().safeParse(one(raw, "contact_email")).success)
    errors.contact_email = "Adresse e-mail invalide.";
  if (!z.url().safeParse(one(raw, "website")).success)
    errors.website = "Adresse web complète attendue (https://…).";
  const typed = Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, one(raw, f)])) as Identity;
  const identity = identityConfig(typed, typeof links === "string" ? [] : links);
  return { errors, config: { ...cfg, ...identity, branding: { ...cfg.branding, ...identity.branding } } };
}

function home(raw: Raw, cfg: TenantConfig): Built {
  const errors: Record<string, string> = {};
  const layout = one(raw, "layout");
  if (!(layout in LAYOUTS)) errors.layout = "Choisissez une présentation de l'accueil.";
  const tiles = many(raw, "home_tiles");
  const services = one(raw, "message_services")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const long = services.find((l) => l.length < 2 || l.length > 60);
  if (long) errors.message_services = `Ligne « ${long} » : un service s'écrit en 2 à 60 caractères.`;
  else if (!services.length) errors.message_services = "Indiquez au moins un service.";
  const portal = { inbox: tiles.includes("inbox"), requestsList: tiles.includes("requestsList") };
  return {
    errors,
    config: { ...cfg, portal: { ...cfg.portal, ...portal, layout, messageServices: services } },
  };
}

function householdFile(raw: Raw, cfg: TenantConfig): Built {
  const changes = Object.fromEntries(
    SECTIONS.map((s) => [s, one(raw, `change_${s}`) === "request" ? "request" : "direct"]),
  );
  const pick = (group: keyof typeof MANDATORY_CHOICES) =>
    many(raw, `mandatory_${group}`).filter((k) => k in MANDATORY_CHOICES[group]);
  const types = new Set(cfg.householdFile.documents.types.map((t) => t.key));
  const mandatory = {
    guardian: pick("guardian"),
    household: pick("household"),
    child: pick("child"),
    documents: many(raw, "mandatory_documents").filter((k) => types.has(k)),
  };
  return { errors: {}, config: { ...cfg, householdFile: { ...cfg.householdFile, changes, mandatory } } };
}

/** One document type's line, « Libellé | foyer ou enfant | validité en mois »; its key kept. */
function documentType(cfg: TenantConfig, [label = "", scope = "", months = ""]: string[]) {
  const validity = months ? Number(months) : undefined;
  if (
    !label ||
    !["foyer", "enfant"].includes(scope) ||
    (validity !== undefined && !(validity >= 1 && validity <= 120))
  )
    return null;
  const existing = cfg.householdFile.documents.types.find((t) => t.label === label);
  return {
    key: existing?.key ?? keyOf(label),
    label,
    scope: scope === "foyer" ? "household" : "child",
    ...(validity ? { validityMonths: validity } : {}),
  };
}

function documents(raw: Raw, cfg: TenantConfig): Built {
  const errors: Record<string, string> = {};
  const mo = Number(one(raw, "max_mo").replace(",", "."));
  if (!(mo >= 0.1 && mo <= 10)) errors.max_mo = "Une taille entre 0,1 et 10 Mo.";
  const extensions = many(raw, "extensions").filter((e) => (EXTENSIONS as readonly string[]).includes(e));
  if (!extensions.length) errors.extensions = "Cochez au moins un format.";
  const example = "Libellé | foyer ou enfant | validité en mois (facultatif)";
  const types = parseLines(one(raw, "types"), example, (p) => documentType(cfg, p));
  if (typeof types === "string") errors.types = types;
  const kept = typeof types === "string" ? [] : types;
  const keys = new Set(kept.map((t) => t.key));
  const file = cfg.householdFile;
  return {
    errors,
    config: {
      ...cfg,
      householdFile: {
        ...file,
        mandatory: { ...file.mandatory, documents: file.mandatory.documents.filter((k) => keys.has(k)) },
        documents: { ...file.documents, extensions, maxBytes: Math.round(mo * 1024 * 1024), types: kept },
      },
    },
  };
}

function absences(raw: Raw, cfg: TenantConfig): Built {
  const reasons = parseLines(
    one(raw, "reasons"),
    "Libellé | facturé ou excusé | médical (facultatif)",
    (p) => {
      const [label = "", billing = "", ...flags] = p;
      if (!label || !["facturé", "excusé"].includes(billing)) return null;
      const existing = cfg.planning.absences.reasons.find((r) => r.label === label);
      return {
        key: existing?.key ?? keyOf(label),
        label,
        billed: billing === "facturé",
        medical: flags.includes("médical"),
        freeText: existing?.freeText ?? false,
      };
    },
  );
  if (typeof reasons === "string") return { errors: { reasons }, config: cfg };
  if (!reasons.length) return { errors: { reasons: "Indiquez au moins un motif." }, config: cfg };
  return {
    errors: {},
    config: { ...cfg, planning: { ...cfg.planning, absences: { ...cfg.planning.absences, reasons } } },
  };
}

function consents(raw: Raw, cfg: TenantConfig): Built {
  const list = parseLines(one(raw, "consents"), "Libellé de l'autorisation", (p) => {
    const label = p.join(" | ");
    const existing = cfg.householdFile.consents.find((c) => c.label === label);
    const key = existing?.key ?? keyOf(label).replace(/[0-9]/g, "");
    return label && KEY.test(key) ? { key, label } : null;
  });
  if (typeof list === "string") return { errors: { consents: list }, config: cfg };
  return { errors: {}, config: { ...cfg, householdFile: { ...cfg.householdFile, consents: list } } };
}

const BUILDERS: Record<(typeof PARTS)[number], (raw: Raw, cfg: TenantConfig) => Built> = {
  identite: identity,
  accueil: home,
  dossier: householdFile,
  documents,
  absences,
  autorisations: consents,
  donnees: privacyPart,
};

export function parsePart(part: (typeof PARTS)[number], raw: Raw, cfg: TenantConfig): Parsed {
  const built = BUILDERS[part](raw, cfg);
  if (Object.keys(built.errors).length) return { ok: false, errors: built.errors };
  const parsed = tenantConfigSchema.safeParse(built.config);
  if (parsed.success) return { ok: true, config: parsed.data };
  const i = parsed.error.issues[0];
  return { ok: false, errors: { _form: `Réglage refusé (${i?.path.join(".")} : ${i?.message}).` } };
}

/** Every form's values from the town's current configuration. */
export function partValues(cfg: TenantConfig): Values {
  const file = cfg.householdFile;
  return {
    ...identityValues(cfg),
    layout: cfg.portal.layout,
    home_tiles: (Object.keys(HOME_TILES) as (keyof typeof HOME_TILES)[]).filter((k) => cfg.portal[k]),
    message_services: cfg.portal.messageServices.join("\n"),
    ...Object.fromEntries(SECTIONS.map((s) => [`change_${s}`, file.changes[s] ?? "direct"])),
    mandatory_guardian: file.mandatory.guardian,
    mandatory_household: file.mandatory.household,
    mandatory_child: file.mandatory.child,
    mandatory_documents: file.mandatory.documents,
    extensions: file.documents.extensions,
    max_mo: String(Math.round((file.documents.maxBytes / 1024 / 1024) * 10) / 10).replace(".", ","),
    types: file.documents.types
      .map((t) =>
        [t.label, t.scope === "household" ? "foyer" : "enfant", t.validityMonths ?? ""]
          .filter(String)
          .join(" | "),
      )
      .join("\n"),
    reasons: cfg.planning.absences.reasons
      .map((r) =>
        [r.label, r.billed ? "facturé" : "excusé", r.medical ? "médical" : ""].filter(Boolean).join(" | "),
      )
      .join("\n"),
    consents: file.consents.map((c) => c.label).join("\n"),
    ...privacyValues(cfg),
  };
}
