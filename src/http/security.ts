import type { MiddlewareHandler } from "hono";
import type { Env } from "../env.ts";
import type { AppEnv } from "./types.ts";

/** CSP without inline script; `formTargets` are the extra origins a form may lead to (logout, PayFiP). */
export function contentSecurityPolicy(formTargets: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${formTargets.map((t) => ` ${t}`).join("")}`,
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The headers every answer carries; a CSP only where the route did not set its own. */
export function applySecurityHeaders(h: Headers, env: Env, formTargets: string[] = []): void {
  if (!h.has("Content-Security-Policy")) h.set("Content-Security-Policy", contentSecurityPolicy(formTargets));
  h.set("X-Content-Type-Options", "nosniff");
  h.set("X-Frame-Options", "DENY");
  h.set("Referrer-Policy", "same-origin");
  h.set("Cross-Origin-Opener-Policy", "same-origin");
  h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (env.NODE_ENV === "production")
    h.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  // Personal pages must never be kept by a shared computer's cache; assets say otherwise.
  if (!h.has("Cache-Control")) h.set("Cache-Control", "no-store");
}

export function securityHeaders(env: Env): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const site = c.env.site;
    const logout = site?.kind === "tenant" ? site.tenant.config.auth.logoutRedirect : undefined;
    applySecurityHeaders(c.res.headers, env, logout ? [new URL(logout).origin] : []);
  };
}

/** RFC 9116, the same for every host of the platform; valid a year from the day it is read. */
export function securityTxt(env: Env, now: Date): string {
  const expires = new Date(now.getTime() + 365 * 86_400_000).toISOString();
  const admin = `${env.PUBLIC_SCHEME}://admin.${env.PLATFORM_DOMAIN}`;
  return [
    `Contact: mailto:security@${env.PLATFORM_DOMAIN}`,
    `Expires: ${expires}`,
    "Preferred-Languages: fr, en",
    `Canonical: ${admin}/.well-known/security.txt`,
    "",
  ].join("\n");
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * PayFiP's return (a form POST from its payment page, cross-site) and its server-to-server
 * notification (no Origin at all) cannot pass the check. A forged call there changes nothing
 * an attacker chooses: it carries only an idOp, and the result is read from PayFiP itself
 * (src/features/billing/payments/online/payment-routes.ts).
 */
const PAYFIP_CALLBACKS = new Set(["/paiement/retour", "/paiement/notification"]);

/**
 * Every state change must come from a page of the same town (architecture §5.7): two towns are
 * "same-site" to a browser, so SameSite cookies alone do not keep them apart.
 */
export function sameOrigin(env: Env): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE.has(c.req.method) || PAYFIP_CALLBACKS.has(c.req.path)) return next();
    const fetchSite = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const expected = `${env.PUBLIC_SCHEME}://${c.req.header("host") ?? ""}`;
    const ok = fetchSite
      ? fetchSite === "same-origin" && (!origin || origin === expected)
      : origin === expected;
    if (!ok) {
      c.env.log.warn({ fetchSite, origin }, "cross-origin request refused");
      return c.text("Requête refusée : elle ne provient pas de ce portail.", 403);
    }
    return next();
  };
}
