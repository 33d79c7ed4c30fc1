import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isDatabaseUnavailable } from "../db/faults.ts";
import type { Logger } from "../lib/log.ts";
import { assetUrl } from "./assets.ts";
import { eta } from "./render.ts";
import { contentSecurityPolicy } from "./security.ts";

export interface Failure {
  status: ContentfulStatusCode;
  title: string;
  detail: string;
}

/**
 * An unexpected error as the user sees it: 503 while the database cannot be reached (the
 * next request gets a fresh connection), 500 otherwise. Nothing was written: the request's
 * transaction rolled back. One log line carries the details and the request id.
 */
export function describeFailure(err: unknown, log: Logger, requestId: string): Failure {
  if (isDatabaseUnavailable(err)) {
    log.warn({ err, requestId }, "database unavailable");
    return {
      status: 503,
      title: "Service momentanément indisponible",
      detail:
        "Le portail ne peut pas répondre pour le moment. Rien n'a été enregistré : réessayez dans quelques instants.",
    };
  }
  log.error({ err, requestId }, "unhandled error");
  return {
    status: 500,
    title: "Erreur inattendue",
    detail: "Une erreur inattendue s'est produite. Rien n'a été enregistré.",
  };
}

/** The same French page outside any site (before the town is known): neutral layout. */
export function neutralFailureResponse(f: Failure, requestId: string): Response {
  const html = eta.render("errors/error", {
    tenant: null,
    cfg: null,
    session: null,
    operator: null,
    path: "/",
    requestId,
    title: f.title,
    detail: f.detail,
    showRequestId: true,
    asset: assetUrl,
  });
  const headers: Record<string, string> = {
    "Content-Type": "text/html; charset=UTF-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": contentSecurityPolicy(),
    "X-Content-Type-Options": "nosniff",
    "X-Request-Id": requestId,
  };
  if (f.status === 503) headers["Retry-After"] = "5";
  return new Response(html, { status: f.status, headers });
}
