import type { Trx } from "../../db/database.ts";
import { forbidden } from "../../http/errors.ts";
import type { TenantConfig } from "../../tenancy/config-schema.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { saveTownSettings } from "../../tenancy/towns.ts";
import { recordWrite } from "../audit/service.ts";

/**
 * Saves a town's new settings (and logo) as its admin, audited. The database lets only the
 * town's own active admins write its config and logo, never its slug or hostnames; every
 * process drops its cached copy at commit (the tenants trigger notifies).
 */
export async function saveSettings(
  trx: Trx,
  tenant: Tenant,
  userId: string,
  part: string,
  config: TenantConfig,
  logoSvg: string | null,
): Promise<void> {
  if (config.slug !== tenant.slug || config.hostnames.join() !== tenant.config.hostnames.join())
    throw forbidden();
  if (!(await saveTownSettings(trx, tenant.id, config, logoSvg)))
    throw forbidden("Cette action est réservée aux administrateurs.");
  await recordWrite(
    trx,
    tenant.id,
    { kind: "staff", userId },
    {
      householdId: null,
      action: "settings_changed",
      entity: "tenant_settings",
      entityId: tenant.id,
      fields: logoSvg ? [part, "logo"] : [part],
    },
  );
}
