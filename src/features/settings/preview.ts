import { colourField } from "../../tenancy/branding-form.ts";
import type { TenantConfig } from "../../tenancy/config-schema.ts";
import type { Tenant } from "../../tenancy/resolve.ts";

/**
 * « Aperçu de la page publique »: the town's public page drawn with settings not saved yet.
 * The page keeps the CSP (no inline style): the colours come from a stylesheet URL carrying
 * them, the new logo as a data: image (already sanitised by checkLogo).
 */

export const NOTICE =
  "Aperçu : ces réglages ne sont pas encore enregistrés. Fermez cet onglet puis cliquez sur « Enregistrer l'identité et le contact » pour les appliquer.";

/** The CSS custom properties of two colours, or null if either is not #rrggbb. */
export function themeCss(primary: string | undefined, onPrimary: string | undefined): string | null {
  const a = colourField.safeParse(primary);
  const b = colourField.safeParse(onPrimary);
  if (!a.success || !b.success) return null;
  return `:root{--town-primary:${a.data};--town-on-primary:${b.data};}`;
}

/** What the public page's templates read, as if the unsaved configuration were the town's. */
export function publicPage(tenant: Tenant, config: TenantConfig, logoSvg: string | null) {
  const colours = new URLSearchParams({
    primary: config.branding.primary,
    on_primary: config.branding.onPrimary,
  });
  return {
    tenant: { ...tenant, config },
    cfg: config,
    session: null,
    unread: null,
    message: NOTICE,
    previewTheme: `/agents/parametres/apercu.css?${colours}`,
    ...(logoSvg ? { logoSrc: `data:image/svg+xml;base64,${Buffer.from(logoSvg).toString("base64")}` } : {}),
  };
}
