import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Env } from "../env.ts";
import { type Asset, assets, encodedBody } from "./assets.ts";
import { AppError } from "./errors.ts";
import { describeFailure } from "./failure.ts";
import { cleanInput, databaseRefusal } from "./input.ts";
import { page } from "./render.ts";
import { sameOrigin, securityHeaders } from "./security.ts";
import type { AppEnv } from "./types.ts";

/** Paths whose routes apply their own body limit (file uploads). */
const OWN_BODY_LIMIT = [
  /^\/documents\/depot\//,
  /^\/inscriptions\/(nouvelle|scolaire)$/,
  /^\/enfants\/[^/]+\/photo$/,
  /^\/planning\/absences\/[^/]+\/justificatif$/,
  /^(\/agents)?\/messages\/[^/]+(\/repondre)?$/,
  /^\/agents\/(actualites|formulaires)(\/[^/]+)?$/,
];

/** 64 KiB for every form; GET and HEAD carry no body, and uploads set their own, larger limit. */
function formBodyLimit(): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) => c.text("Le contenu envoyé est trop volumineux.", 413),
  });
  // Skipping the limiter for GET spares building a body stream per page.
  return (c, next) =>
    c.req.method === "GET" || c.req.method === "HEAD" || OWN_BODY_LIMIT.some((p) => p.test(c.req.path))
      ? next()
      : limit(c, next);
}

const errorPage = (c: Context<AppEnv>, title: string, detail: string, status: ContentfulStatusCode) =>
  page(c, "errors/error", { title, detail }, status);

function notFoundPage(c: Context<AppEnv>) {
  if (["GET", "HEAD", "POST"].includes(c.req.method))
    return errorPage(c, "Page introuvable", "Cette page n'existe pas ou n'est pas accessible.", 404);
  c.header("Allow", "GET, POST");
  return errorPage(c, "Méthode non autorisée", "Cette action n'est pas permise ici.", 405);
}

/** What escaped a route: a French page, never technical text; the request id when it is ours. */
function failurePage(err: Error, c: Context<AppEnv>) {
  if (err instanceof AppError) return errorPage(c, titles[err.status] ?? "Erreur", err.message, err.status);
  if (err instanceof HTTPException) return err.getResponse();
  const known = databaseRefusal(err);
  if (known) {
    c.env.log.warn({ err, requestId: c.env.requestId }, "request refused by a database constraint");
    return errorPage(c, titles[known.status] ?? "Erreur", known.message, known.status);
  }
  const failure = describeFailure(err, c.env.log, c.env.requestId);
  if (failure.status === 503) c.header("Retry-After", "5");
  const view = { title: failure.title, detail: failure.detail, showRequestId: true };
  return page(c, "errors/error", view, failure.status);
}

/** The base every site's app shares: headers, size limit, origin check, assets, error pages. */
export function siteApp(env: Env): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(securityHeaders(env));
  app.use(formBodyLimit());
  app.use(sameOrigin(env));
  app.use(cleanInput());
  app.get("/assets/:file", (c) => {
    const found = assets.find(c.req.path);
    if (!found) return c.notFound();
    return sendAsset(c, found.asset, found.immutable ? IMMUTABLE : "public, max-age=3600");
  });
  // Browsers ask for it on their own, whatever the page links.
  app.get("/favicon.ico", (c) => {
    const found = assets.find("/assets/favicon.ico");
    return found ? sendAsset(c, found.asset, "public, max-age=86400") : c.notFound();
  });
  app.notFound(notFoundPage);
  app.onError(failurePage);
  return app;
}

const IMMUTABLE = "public, max-age=31536000, immutable";

async function sendAsset(c: Context<AppEnv>, asset: Asset, cacheControl: string) {
  const { body, encoding } = await encodedBody(asset, c.req.header("Accept-Encoding"));
  c.header("Cache-Control", cacheControl);
  c.header("Vary", "Accept-Encoding");
  if (encoding) c.header("Content-Encoding", encoding);
  return c.body(new Uint8Array(body), 200, { "Content-Type": asset.type });
}

const titles: Record<number, string> = {
  403: "Accès refusé",
  404: "Page introuvable",
  409: "Conflit",
  422: "Saisie refusée",
  410: "Lien expiré",
  429: "Trop de tentatives",
};
