import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import { publicOrigin } from "../env.ts";
import { readForm, uuidParam } from "../http/forms.ts";
import { seeOther } from "../http/render.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { requiredText } from "../lib/form-fields.ts";
import { readSessionCookie } from "./middleware.ts";
import * as passkeys from "./passkeys.ts";
import { tooManyTries } from "./throttle.ts";

type Errors = Record<string, string>;
type Views = {
  /** « Double authentification » with an error at a field. */
  show: (c: Context<AppEnv>, errors: Errors, status: 422) => Promise<Response>;
  /** The code page after the password, with an error. */
  codePage: (c: Context<AppEnv>, errors: Errors, status: 422 | 429) => Promise<Response>;
  /** Where a session that just opened goes. */
  next: (c: Context<AppEnv>) => string;
};

/** How one kind of account (town accounts, operators) reaches its passkeys from a request. */
export interface PasskeyAccounts {
  /** The signed-in account. */
  account: (c: Context<AppEnv>) => passkeys.Account;
  /** After the password, for the session of `token` waiting for its factor. */
  loginOptions: (
    c: Context<AppEnv>,
    token: string,
    site: passkeys.Site,
  ) => Promise<PublicKeyCredentialRequestOptionsJSON | null>;
  complete: (
    c: Context<AppEnv>,
    token: string,
    input: { site: passkeys.Site; response: AuthenticationResponseJSON; ip: string },
  ) => Promise<passkeys.PasskeyOutcome | null>;
}

const NO_ANSWER = "Votre navigateur n'a pas fourni de clé d'accès. Réessayez, ou saisissez un code.";
const addSchema = z.object({ name: requiredText(60), response: z.string().max(20_000).optional() });
const useSchema = z.object({ response: z.string().max(20_000).optional() });

/** The browser's JSON answer, or null when absent or not JSON (no script, crafted post). */
function answer<T>(raw: string | undefined): T | null {
  try {
    const value = raw ? JSON.parse(raw) : null;
    return value && typeof value === "object" && typeof value.id === "string" ? (value as T) : null;
  } catch {
    return null;
  }
}

function siteOf(deps: Deps, c: Context<AppEnv>): passkeys.Site {
  const origin = publicOrigin(deps.env, c.env.site.hostname);
  return { origin, rpID: new URL(origin).hostname };
}

/** A new passkey, named, for the signed-in account. */
async function add(deps: Deps, c: Context<AppEnv>, views: Views, accounts: PasskeyAccounts) {
  const form = await readForm(c, addSchema);
  if (!form.ok) return views.show(c, form.errors, 422);
  const response = answer<RegistrationResponseJSON>(form.data.response);
  if (!response) return views.show(c, { name: NO_ANSWER }, 422);
  const input = { site: siteOf(deps, c), name: form.data.name, response, ip: c.env.ip };
  try {
    await passkeys.register(deps.db, accounts.account(c), input);
  } catch (e) {
    if (e instanceof passkeys.PasskeyError) return views.show(c, { name: e.message }, 422);
    throw e;
  }
  return seeOther(c, `${c.req.path.replace(/\/cles$/, "")}?message=cle-ajoutee`);
}

/** A passkey instead of the code, after the password. */
async function use(deps: Deps, c: Context<AppEnv>, views: Views, accounts: PasskeyAccounts) {
  const token = readSessionCookie(c);
  const form = await readForm(c, useSchema);
  const response = form.ok ? answer<AuthenticationResponseJSON>(form.data.response) : null;
  if (!token) return seeOther(c, c.req.path.replace(/\/code\/cle$/, ""));
  if (!response) return views.codePage(c, { code: NO_ANSWER }, 422);
  const input = { site: siteOf(deps, c), response, ip: c.env.ip };
  const outcome = await accounts.complete(c, token, input);
  if (!outcome) return seeOther(c, c.req.path.replace(/\/code\/cle$/, ""));
  if (outcome.ok) return seeOther(c, views.next(c));
  if (outcome.waitSeconds > 0) return views.codePage(c, { code: tooManyTries(outcome.waitSeconds) }, 429);
  return views.codePage(c, { code: outcome.message }, 422);
}

/**
 * « Clés d'accès » (passkeys) on « Double authentification » (add, list, delete) and after the
 * password (`/connexion/code/cle`). The options are JSON for the page's script; the answers come
 * back as ordinary form posts (POST → 303), so errors show at the field like any form's. The
 * same routes serve town accounts and the operators' console (`accounts`).
 */
export function mountPasskeys(
  app: Hono<AppEnv>,
  deps: Deps,
  page: string,
  guard: MiddlewareHandler<AppEnv>,
  views: Views,
  accounts: PasskeyAccounts,
) {
  app.post(`${page}/cles/options`, guard, async (c) =>
    c.json(await passkeys.registrationOptions(deps.db, accounts.account(c), siteOf(deps, c))),
  );
  app.post(`${page}/cles`, guard, (c) => add(deps, c, views, accounts));
  app.post(`${page}/cles/:id/suppression`, guard, async (c) => {
    const id = uuidParam(c, "id");
    await passkeys.remove(deps.db, accounts.account(c), id, c.env.ip);
    return seeOther(c, `${c.req.path.replace(/\/cles\/[^/]+\/suppression$/, "")}?message=cle-supprimee`);
  });
  app.post("/connexion/code/cle/options", async (c) => {
    const token = readSessionCookie(c);
    const options = token ? await accounts.loginOptions(c, token, siteOf(deps, c)) : null;
    return options ? c.json(options) : c.json({ error: "Aucune clé d'accès." }, 404);
  });
  app.post("/connexion/code/cle", (c) => use(deps, c, views, accounts));
}
