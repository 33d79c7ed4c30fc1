import type { Database, ResolvedTenant } from "../db/database.ts";
import { type TenantConfig, tenantConfigSchema } from "./config-schema.ts";
import { watchTenantChanges } from "./watch.ts";

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: "active" | "suspended" | "archived";
  config: TenantConfig;
  logoSvg: string | null;
}

/** A tenants row (or the resolver's) as the app uses it, its config validated. */
export function tenantFromRow(row: ResolvedTenant): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    config: tenantConfigSchema.parse(row.config),
    logoSvg: row.logo_svg,
  };
}

export type Site =
  | { kind: "tenant"; tenant: Tenant; hostname: string }
  | { kind: "operator"; hostname: string }
  | { kind: "mailbox"; hostname: string }
  | { kind: "unknown"; hostname: string };

/**
 * How long a resolved town is kept. Listening, a change in any process empties the cache at
 * once, and so does every reconnection of the listener: the TTL then only bounds a change
 * lost on a connection that died silently. Not listening (a single process in tests), a short
 * TTL is all there is. Kept for 10 s, a city of 1,000 towns re-read and re-validated its town
 * on most requests (issue 17 item 5).
 */
export const RESOLVED_TTL_MS = { listening: 300_000, alone: 10_000 } as const;

export interface SiteResolver {
  resolve(hostHeader: string | undefined): Promise<Site>;
  /** Forget cached towns (after an operator changes one). */
  invalidate(): void;
  /** Resolves once the cross-process invalidation listens (at once without `listenUrl`). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Host -> site, cached per process. With `listenUrl`, a change of any town in any process
 * empties the cache at once (LISTEN/NOTIFY); the short TTL only bounds a lost notification.
 * An archived town answers like an unknown host.
 */
export function createSiteResolver(
  db: Database,
  platformDomain: string,
  mailbox: boolean,
  listenUrl?: string,
): SiteResolver {
  const cache = new Map<string, { tenant: Tenant | null; until: number }>();
  const watcher = listenUrl ? watchTenantChanges(listenUrl, () => cache.clear()) : null;
  const suffix = `.${platformDomain}`;
  const ttlMs = watcher ? RESOLVED_TTL_MS.listening : RESOLVED_TTL_MS.alone;

  async function lookup(hostname: string): Promise<Tenant | null> {
    const hit = cache.get(hostname);
    if (hit && hit.until > Date.now()) return hit.tenant;
    const label = hostname.endsWith(suffix) ? hostname.slice(0, -suffix.length) : null;
    const slug = label && !label.includes(".") ? label : null;
    const row = await db.resolveHost(slug, hostname);
    const tenant = row && row.status !== "archived" ? tenantFromRow(row) : null;
    if (cache.size > 10_000) cache.clear();
    cache.set(hostname, { tenant, until: Date.now() + ttlMs });
    return tenant;
  }

  return {
    async resolve(hostHeader) {
      const hostname = normaliseHost(hostHeader);
      if (!hostname) return { kind: "unknown", hostname: "" };
      if (hostname === `admin${suffix}`) return { kind: "operator", hostname };
      if (mailbox && hostname === `mail${suffix}`) return { kind: "mailbox", hostname };
      const tenant = await lookup(hostname);
      return tenant ? { kind: "tenant", tenant, hostname } : { kind: "unknown", hostname };
    },
    invalidate() {
      cache.clear();
    },
    ready: watcher?.ready ?? Promise.resolve(),
    close: async () => watcher?.close(),
  };
}

/** "Sene.LOCALHOST:3000" -> "sene.localhost"; anything that is not a plain host name -> "". */
export function normaliseHost(header: string | undefined): string {
  const host = (header ?? "")
    .trim()
    .toLowerCase()
    .replace(/:\d{1,5}$/, "");
  return /^[a-z0-9.-]{1,253}$/.test(host) ? host.replace(/\.$/, "") : "";
}
