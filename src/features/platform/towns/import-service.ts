import type { Database } from "../../../db/database.ts";
import type { Env } from "../../../env.ts";
import type { Logger } from "../../../lib/log.ts";
import { exportConfig, toTenantFile } from "../../../tenancy/export.ts";
import { parseTenantFile } from "../../../tenancy/file-io.ts";
import { checkLogo } from "../../../tenancy/logo.ts";
import { provisionTownData } from "../../../tenancy/provision.ts";
import * as towns from "../../../tenancy/towns.ts";
import { asOperator } from "../audit.ts";
import { inTownAsOperator } from "./town-staff-service.ts";
import type { Who } from "./towns-service.ts";
import * as townsService from "./towns-service.ts";

/** A town's current configuration as a tenant file; audited. */
export async function exportTown(ctx: { db: Database; env: Env; log: Logger }, w: Who, tenantId: string) {
  return inTownAsOperator(ctx, w, tenantId, "town_exported", async ({ trx, d }) => ({
    slug: d.tenant.slug,
    text: toTenantFile(await exportConfig(trx)),
  }));
}

export type Imported =
  | { ok: true; id: string; created: boolean }
  | { ok: false; errors: Record<string, string>; issues: { path: string; message: string }[] };

/**
 * Applies a tenant file, as an explicit operator action: a new slug creates the town (its logo
 * is required), a known slug replaces its settings and adds the offer, régies and tariffs it
 * lacks (those edited since in the back-office are kept). A file with errors changes nothing.
 */
export async function importTown(
  db: Database,
  w: Who,
  text: string,
  logoFile: File | undefined,
): Promise<Imported> {
  const parsed = parseTenantFile(text);
  if (!parsed.ok)
    return {
      ok: false,
      errors: { fichier: `Le fichier contient ${parsed.issues.length} erreur(s), listées ci-dessous.` },
      issues: parsed.issues,
    };
  const config = parsed.config;
  const existing = await db.withTenant(asOperator(w.op), (trx) => towns.findTownBySlug(trx, config.slug));
  const logo = logoFile && logoFile.size > 0 ? await checkLogo(logoFile) : null;
  if (logo && !logo.ok) return { ok: false, errors: { logo: logo.error }, issues: [] };
  if (!existing && !logo)
    return {
      ok: false,
      errors: { logo: "Joignez le logo de cette nouvelle commune (SVG, PNG ou JPEG)." },
      issues: [],
    };
  const svg = logo?.ok ? logo.svg : null;
  const saved = existing
    ? await townsService.updateTown(db, w, existing.id, config, svg, "town_imported")
    : await townsService.createTown(db, w, config, svg as string);
  if (!saved.ok) return { ok: false, errors: { fichier: Object.values(saved.errors).join(" ") }, issues: [] };
  if (existing) await provisionTownData(db, saved.id, config);
  return { ok: true, id: saved.id, created: !existing };
}
