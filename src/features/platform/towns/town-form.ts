import { z } from "zod";
import { checkbox, requiredText, tooLong, trimmed } from "../../../lib/form-fields.ts";
import {
  colourField,
  contrastIssues,
  identityConfig,
  identityValues,
  parseLinks,
} from "../../../tenancy/branding-form.ts";
import { type TenantConfig, tenantConfigSchema } from "../../../tenancy/config-schema.ts";
import { SLUG_MALFORMED } from "../../../tenancy/towns.ts";

/**
 * The operators' town form: flat French form fields in, a tenant configuration out, checked
 * by the tenant file's own schema (so a town made here follows the rules of tenants/*.yaml).
 */

export type Values = Record<string, string>;
export type Errors = Record<string, string>;

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
const lines = (v: unknown) =>
  trimmed(v)
    .split(/[\n,]+/)
    .map((l) => l.trim())
    .filter(Boolean);
const url = z.preprocess(trimmed, z.url({ message: "Adresse web complète attendue (https://…)." }));

const formSchema = z
  .object({
    slug: z.preprocess(trimmed, z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, SLUG_MALFORMED)),
    name: requiredText(120),
    short_name: requiredText(60),
    hostnames: z.preprocess(
      (v) => lines(v).map((h) => h.toLowerCase()),
      z.array(z.string().regex(HOST, "Un nom d'hôte par ligne, par exemple portail.ville.fr.")),
    ),
    holiday_zone: z.enum(["A", "B", "C"], { message: "Choisissez la zone A, B ou C." }),
    login_with: z.enum(["email", "identifier"], { message: "Choisissez un mode de connexion." }),
    account_opening: z.enum(["activation_link", "letter"], { message: "Choisissez un mode d'ouverture." }),
    password_min_length: z.preprocess(
      (v) => Number(trimmed(v) || "NaN"),
      z
        .number({ message: "Un nombre de caractères est attendu." })
        .int()
        .min(8, "8 caractères au moins : c'est le minimum de la plateforme.")
        .max(64, "64 caractères au plus."),
    ),
    password_upper: checkbox,
    password_lower: checkbox,
    password_digit: checkbox,
    password_special: checkbox,
    primary: z.preprocess(trimmed, colourField),
    on_primary: z.preprocess(trimmed, colourField),
    tagline: z.preprocess(trimmed, z.string().max(200, tooLong(200))),
    contact_service: requiredText(120),
    contact_phone: requiredText(30),
    contact_email: z.preprocess(trimmed, z.email({ message: "Adresse e-mail invalide." })),
    contact_address: requiredText(200),
    website: url,
    links: z.preprocess(trimmed, z.string()),
  })
  .superRefine((v, ctx) => {
    for (const issue of contrastIssues(v.primary, v.on_primary)) ctx.addIssue({ code: "custom", ...issue });
  });

const ISSUE_FIELDS: [RegExp, string][] = [
  [/^branding\.primary/, "primary"],
  [/^branding\.onPrimary/, "on_primary"],
  [/^hostnames/, "hostnames"],
  [/^links/, "links"],
  [/^contact\.(\w+)/, "contact_$1"],
  [/^auth\.passwordPolicy\.minLength/, "password_min_length"],
  [/^shortName/, "short_name"],
  [/^(slug|name|website)$/, "$1"],
];

/** A tenant schema issue's path as the form field that shows it. */
export function fieldOf(path: PropertyKey[]): string {
  const key = path.map(String).join(".");
  for (const [re, field] of ISSUE_FIELDS)
    if (re.test(key)) return key.replace(re, field).split(".")[0] ?? "_form";
  return "_form";
}

export type TownForm = { ok: true; config: TenantConfig } | { ok: false; errors: Errors };

type Checked = z.infer<typeof formSchema>;

/** The tenant file's shape of the checked fields, over the current configuration. */
function configOf(v: Checked, links: { label: string; url: string }[], current: TenantConfig | null) {
  const identity = identityConfig(v, links);
  return {
    ...(current ?? {}),
    slug: v.slug,
    name: v.name,
    shortName: v.short_name,
    hostnames: v.hostnames,
    ...identity,
    branding: { logo: `${v.slug}.svg`, ...identity.branding },
    holidayZone: v.holiday_zone,
    auth: {
      ...(current?.auth ?? {}),
      loginWith: v.login_with,
      accountOpening: v.account_opening,
      passwordPolicy: {
        minLength: v.password_min_length,
        requireUpper: v.password_upper,
        requireLower: v.password_lower,
        requireDigit: v.password_digit,
        requireSpecial: v.password_special,
      },
    },
  };
}

/** The form's values over the town's current configuration (or the platform's defaults). */
export function parseTownForm(values: Values, current: TenantConfig | null): TownForm {
  const parsed = formSchema.safeParse(current ? { ...values, slug: current.slug } : values);
  const errors: Errors = {};
  if (!parsed.success) {
    for (const i of parsed.error.issues) errors[String(i.path[0] ?? "_form")] ??= i.message;
    return { ok: false, errors };
  }
  const links = parseLinks(parsed.data.links);
  if (typeof links === "string") return { ok: false, errors: { links } };
  const config = tenantConfigSchema.safeParse(configOf(parsed.data, links, current));
  if (config.success) return { ok: true, config: config.data };
  for (const i of config.error.issues) errors[fieldOf(i.path)] ??= `Valeur refusée : ${i.message}.`;
  return { ok: false, errors };
}

/** The form's values for a town being edited. */
export function townValues(cfg: TenantConfig): Values {
  const p = cfg.auth.passwordPolicy;
  const on = (b: boolean) => (b ? "on" : "");
  return {
    slug: cfg.slug,
    name: cfg.name,
    short_name: cfg.shortName,
    hostnames: cfg.hostnames.join("\n"),
    holiday_zone: cfg.holidayZone,
    login_with: cfg.auth.loginWith,
    account_opening: cfg.auth.accountOpening,
    password_min_length: String(p.minLength),
    password_upper: on(p.requireUpper),
    password_lower: on(p.requireLower),
    password_digit: on(p.requireDigit),
    password_special: on(p.requireSpecial),
    ...identityValues(cfg),
  };
}

/** A new town's form starts from the platform's usual choices. */
export const NEW_TOWN_VALUES: Values = {
  holiday_zone: "A",
  login_with: "email",
  account_opening: "activation_link",
  password_min_length: "12",
  password_upper: "on",
  password_lower: "on",
  password_digit: "on",
  primary: "#1f4e79",
  on_primary: "#ffffff",
};
