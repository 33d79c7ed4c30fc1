import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import type { TenantConfig } from "./config-schema.ts";

/** Host labels the platform keeps for itself (admin.<domain>, mail.<domain>…). */
const RESERVED = new Set(["admin", "mail", "www", "api", "static", "assets"]);

export const SLUG_MALFORMED =
  "L'identifiant doit faire 2 à 63 caractères : lettres minuscules sans accent, chiffres et tirets.";

/**
 * Why the slug and extra hostnames cannot be this town's, keyed by form field; empty when
 * they can. Serialised across operators by a transaction lock, so two towns never claim the
 * same name at once.
 */
export async function nameConflicts(
  trx: Trx,
  platformDomain: string,
  town: { id?: string; slug: string; hostnames: string[] },
): Promise<Record<string, string>> {
  await sql`select pg_advisory_xact_lock(hashtext('parvis_tenants_names'))`.execute(trx);
  const errors: Record<string, string> = {};
  const others = await trx
    .selectFrom("tenants")
    .select(["id", "slug", "name", "hostnames"])
    .$if(!!town.id, (q) => q.where("id", "<>", town.id as string))
    .execute();
  if (!town.id && RESERVED.has(town.slug)) errors.slug = "Cet identifiant est réservé par la plateforme.";
  if (!town.id && others.some((o) => o.slug === town.slug))
    errors.slug = "Cet identifiant est déjà pris par une autre commune.";
  const suffix = `.${platformDomain}`;
  for (const host of town.hostnames) {
    const label = host.endsWith(suffix) ? host.slice(0, -suffix.length) : null;
    const owner = others.find((o) => o.hostnames.includes(host) || o.slug === label);
    if (owner) errors.hostnames = `${host} est déjà utilisé par ${owner.name}.`;
    else if ((label && RESERVED.has(label)) || host === platformDomain)
      errors.hostnames = `${host} est réservé par la plateforme.`;
    if (errors.hostnames) break;
  }
  return errors;
}

/** A town's row from its configuration and logo. */
export const townRow = (config: TenantConfig, logoSvg: string) => ({
  slug: config.slug,
  name: config.name,
  hostnames: config.hostnames,
  config: JSON.stringify(config),
  logo_svg: logoSvg,
});

export async function insertTown(trx: Trx, config: TenantConfig, logoSvg: string): Promise<string> {
  const row = await trx
    .insertInto("tenants")
    .values(townRow(config, logoSvg))
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The columns a save of the configuration writes: the config, and the logo only when a new one is given. */
const configValues = (config: TenantConfig, logoSvg: string | null) => ({
  config: JSON.stringify(config),
  ...(logoSvg ? { logo_svg: logoSvg } : {}),
  updated_at: sql<Date>`now()`,
});

/** Replaces a town's configuration, name and hostnames (never its slug). */
export async function updateTown(trx: Trx, id: string, config: TenantConfig, logoSvg: string | null) {
  const r = await trx
    .updateTable("tenants")
    .set({ name: config.name, hostnames: config.hostnames, ...configValues(config, logoSvg) })
    .where("id", "=", id)
    .where("slug", "=", config.slug)
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

/**
 * A town admin's save of its own settings: the config and the logo only (the database lets an
 * admin write nothing else of the town, never its slug, name or hostnames). False when not allowed.
 */
export async function saveTownSettings(trx: Trx, id: string, config: TenantConfig, logoSvg: string | null) {
  const r = await trx
    .updateTable("tenants")
    .set(configValues(config, logoSvg))
    .where("id", "=", id)
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

export function findTown(trx: Trx, id: string) {
  return trx
    .selectFrom("tenants")
    .select(["id", "slug", "name", "status", "config", "logo_svg", "hostnames"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export function findTownBySlug(trx: Trx, slug: string) {
  return trx.selectFrom("tenants").select(["id", "status"]).where("slug", "=", slug).executeTakeFirst();
}

export async function setTownStatus(
  trx: Trx,
  id: string,
  status: "active" | "suspended" | "archived",
): Promise<boolean> {
  const r = await trx
    .updateTable("tenants")
    .set({ status, updated_at: sql`now()` })
    .where("id", "=", id)
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}
