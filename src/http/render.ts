import path from "node:path";
import { fileURLToPath } from "node:url";
import { Eta } from "eta";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { assetUrl } from "./assets.ts";
import type { AppEnv } from "./types.ts";

const views = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../templates");
export const eta = new Eta({ views, autoEscape: true, cache: process.env.NODE_ENV !== "development" });

const MESSAGES: Record<string, string> = {
  deconnecte: "Vous êtes déconnecté.",
  "mot-de-passe-modifie": "Votre mot de passe a été modifié.",
  "mot-de-passe-reinitialise": "Votre mot de passe a été modifié. Vous pouvez vous connecter.",
  "email-envoye":
    "Un e-mail de confirmation a été envoyé à votre nouvelle adresse. Cliquez sur son lien pour terminer.",
  "email-modifie": "Votre adresse e-mail a été modifiée.",
  "compte-active": "Votre compte est activé. Bienvenue !",
  "cle-ajoutee": "La clé d'accès est ajoutée.",
  "cle-supprimee": "La clé d'accès est supprimée.",
  "compte-cree": "Le compte famille a été créé.",
  "activation-renvoyee": "L'e-mail d'activation a été renvoyé.",
  "commune-suspendue": "Le portail de la commune est fermé.",
  "commune-reactivee": "Le portail de la commune est rouvert.",
  "commune-archivee": "La commune est archivée : son portail ne répond plus.",
  "commune-creee": "La commune est créée : son portail répond dès maintenant.",
  "commune-enregistree": "Les réglages de la commune sont enregistrés.",
  "commune-importee": "Le fichier est appliqué à la commune.",
};

// Built once: constructing an Intl.DateTimeFormat costs ~0.1–0.3 ms, formatting with it ~5 µs.
const TODAY = new Intl.DateTimeFormat("fr-FR", { dateStyle: "full", timeZone: "Europe/Paris" });

/** Data every template gets: the town (when there is one), the signed-in person, the flash message. */
function common(c: Context<AppEnv>) {
  const site = c.env.site;
  const tenant = site.kind === "tenant" ? site.tenant : null;
  const message = MESSAGES[c.req.query("message") ?? ""];
  return {
    tenant,
    cfg: tenant?.config ?? null,
    session: c.get("session") ?? null,
    operator: c.get("operator") ?? null,
    unread: c.get("unread") ?? null,
    path: c.req.path,
    message,
    requestId: c.env.requestId,
    today: TODAY.format(new Date()),
    asset: assetUrl,
  };
}

export function page(
  c: Context<AppEnv>,
  template: string,
  data: Record<string, unknown> = {},
  status: ContentfulStatusCode = 200,
) {
  return c.html(eta.render(template, { ...common(c), ...data }), status);
}

/**
 * The page, or only `part` (a partial the page template includes) when htmx asks for a part of
 * it: one template serves both, so the page still works without JavaScript. Boosted and
 * history-restore requests target the whole body and get the whole page.
 */
export function pageOrPart(
  c: Context<AppEnv>,
  template: string,
  part: string,
  data: Record<string, unknown>,
) {
  if (!wantsPart(c)) return page(c, template, data);
  return c.html(eta.render(part, { ...common(c), ...data }));
}

/** Whether htmx asks for a part of the page (the answer then varies on that header). */
export function wantsPart(c: Context<AppEnv>): boolean {
  c.header("Vary", "HX-Request-Type", { append: true });
  return c.req.header("HX-Request-Type") === "partial";
}

/** POST -> redirect -> GET. */
export function seeOther(c: Context<AppEnv>, location: string) {
  return c.redirect(location, 303);
}
