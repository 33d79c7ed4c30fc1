import { type Env, loadEnv, publicOrigin } from "../../env.ts";
import type { Tenant } from "../../tenancy/resolve.ts";

/**
 * Where e-mails send families back to: the town's own subdomain. Set once at boot from the
 * environment (scheme, platform domain, public port); jobs and requests share it.
 */
let links: Env = loadEnv({});

export function configureMailLinks(env: Env): void {
  links = env;
}

export function portalUrl(tenant: Tenant): string {
  return `${publicOrigin(links, `${tenant.slug}.${links.PLATFORM_DOMAIN}`)}/`;
}
