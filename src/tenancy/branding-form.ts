import { z } from "zod";
import { contrastRatio } from "../lib/contrast.ts";
import type { TenantConfig } from "./config-schema.ts";

/** Form helpers for a town's branding and links, shared by the operators' and the admins' forms. */

export const COLOUR = /^#[0-9a-f]{6}$/i;
export const colourField = z.string().regex(COLOUR, "Couleur attendue au format #rrggbb.");

export const ratio = (r: number) => `${r.toFixed(2).replace(".", ",")}:1`;

/** RGAA 4.5:1, both for text on the town's colour and for the colour as text on white. */
export function contrastIssues(primary: string, onPrimary: string) {
  if (!COLOUR.test(primary) || !COLOUR.test(onPrimary)) return [];
  const issues: { path: string[]; message: string }[] = [];
  const onWhite = contrastRatio(primary, "#ffffff");
  const onColour = contrastRatio(primary, onPrimary);
  if (onWhite < 4.5)
    issues.push({
      path: ["primary"],
      message: `Contraste sur fond blanc insuffisant : ${ratio(onWhite)} (4,5:1 au moins). Choisissez une couleur plus foncée.`,
    });
  if (onColour < 4.5)
    issues.push({
      path: ["on_primary"],
      message: `Contraste du texte sur la couleur insuffisant : ${ratio(onColour)} (4,5:1 au moins).`,
    });
  return issues;
}

/** The two RGAA ratios of the colours typed, for the live indicator. */
export function contrastOf(values: Record<string, string | undefined>) {
  const primary = values.primary ?? "";
  const onPrimary = values.on_primary ?? "";
  if (!COLOUR.test(primary) || !COLOUR.test(onPrimary)) return null;
  return {
    primary,
    onPrimary,
    onWhite: ratio(contrastRatio(primary, "#ffffff")),
    onColour: ratio(contrastRatio(primary, onPrimary)),
    ok: contrastIssues(primary, onPrimary).length === 0,
  };
}

/** « Libellé | https://… », one a line; a string is the French message for the field. */
export function parseLinks(text: string): { label: string; url: string }[] | string {
  const links = [];
  for (const line of text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [label = "", href = ""] = line.split("|").map((p) => p.trim());
    if (!label || !z.url().safeParse(href).success)
      return `Ligne « ${line} » : écrivez « Libellé | https://… ».`;
    links.push({ label, url: href });
  }
  return links;
}

export const linksText = (links: { label: string; url: string }[]) =>
  links.map((l) => `${l.label} | ${l.url}`).join("\n");

/** The identity fields both town forms share: colours, tagline, the town's contact, website. */
export const IDENTITY_FIELDS = [
  "primary",
  "on_primary",
  "tagline",
  "contact_service",
  "contact_phone",
  "contact_email",
  "contact_address",
  "website",
] as const;
export type Identity = Record<(typeof IDENTITY_FIELDS)[number], string>;
type Link = { label: string; url: string };

/** The identity fields (links parsed) as the tenant file writes them. */
export function identityConfig(v: Identity, links: Link[]) {
  return {
    branding: { primary: v.primary, onPrimary: v.on_primary, tagline: v.tagline || undefined },
    contact: {
      service: v.contact_service,
      phone: v.contact_phone,
      email: v.contact_email,
      address: v.contact_address,
    },
    website: v.website,
    links,
  };
}

/** A town's identity fields and links, as its forms show them. */
export function identityValues(cfg: TenantConfig): Identity & { links: string } {
  return {
    primary: cfg.branding.primary,
    on_primary: cfg.branding.onPrimary,
    tagline: cfg.branding.tagline ?? "",
    contact_service: cfg.contact.service,
    contact_phone: cfg.contact.phone,
    contact_email: cfg.contact.email,
    contact_address: cfg.contact.address,
    website: cfg.website,
    links: linksText(cfg.links),
  };
}
