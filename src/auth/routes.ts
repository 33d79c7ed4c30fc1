import { type Context, Hono } from "hono";
import { publicOrigin } from "../env.ts";
import { readForm, safeValues } from "../http/forms.ts";
import { page, seeOther } from "../http/render.ts";
import { sessionScope } from "../http/scope.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import * as account from "./account-service.ts";
import { readDeviceCookie, setDeviceCookie } from "./devices.ts";
import { recordAuthEvent } from "./events.ts";
import { login, loginField } from "./login.ts";
import { clearSessionCookie, setSessionCookie } from "./middleware.ts";
import { missingRules, passwordRules } from "./password.ts";
import { sameTownPath } from "./redirect.ts";
import { forgotSchema, loginSchema, newPasswordSchema } from "./schemas.ts";
import { deleteSession } from "./sessions.ts";

type Kind = "parent" | "staff";

/** The second factor's page, keeping where the person was going. */
const codePath = (base: string, next: string | undefined) =>
  `${base}/connexion/code${next ? `?suite=${encodeURIComponent(next)}` : ""}`;

export function accountDeps(deps: Deps, c: Context<AppEnv>): account.AccountDeps {
  return {
    db: deps.db,
    log: c.env.log,
    tenant: c.get("tenant"),
    origin: publicOrigin(deps.env, c.env.site.hostname),
    ip: c.env.ip,
  };
}

/** Where the flows run: parents at /, staff at /agents, each with its own login field. */
interface Place {
  kind: Kind;
  base: string;
  home: string;
  field: (c: Context<AppEnv>) => "email" | "login";
  /** Only a path of this portal: never another host ("//evil", "/%09/evil", "https://…"). */
  next: (c: Context<AppEnv>) => string | undefined;
}

function placeOf(kind: Kind): Place {
  const base = kind === "staff" ? "/agents" : "";
  return {
    kind,
    base,
    home: kind === "staff" ? "/agents" : "/",
    field: (c) => loginField(c.get("tenant"), kind),
    next: (c) => sameTownPath(c.req.query("suite"), base),
  };
}

function loginPage(
  c: Context<AppEnv>,
  p: Place,
  data: Record<string, unknown> = {},
  status: 200 | 401 | 422 | 429 = 200,
) {
  const view = { kind: p.kind, base: p.base, field: p.field(c), values: {}, errors: {}, suite: p.next(c) };
  return page(c, "auth/login", { ...view, ...data }, status);
}

/** « Se connecter »: the password, then the second factor where one is due. */
async function logIn(deps: Deps, p: Place, c: Context<AppEnv>) {
  const form = await readForm(c, loginSchema(p.field(c)));
  const values = safeValues(form.values);
  if (!form.ok) return loginPage(c, p, { values, errors: form.errors }, 422);
  const outcome = await login(deps.db, c.env.log, c.get("tenant"), {
    kind: p.kind,
    identifier: form.data.identifier,
    password: form.data.password,
    remember: form.data.remember === "on",
    ip: c.env.ip,
    deviceToken: readDeviceCookie(c),
    userAgent: c.req.header("user-agent"),
    connectionsUrl: `${publicOrigin(deps.env, c.env.site.hostname)}${p.base}/compte/connexions`,
  });
  if (!outcome.ok && outcome.reason === "throttled") {
    const minutes = Math.max(1, Math.ceil(outcome.waitSeconds / 60));
    const error = `Trop de tentatives de connexion. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}, ou utilisez « Mot de passe oublié ? ».`;
    c.header("Retry-After", String(outcome.waitSeconds));
    return loginPage(c, p, { values, errors: { _form: error } }, 429);
  }
  if (!outcome.ok) {
    const what = p.field(c) === "email" ? "Adresse e-mail" : "Identifiant";
    return loginPage(c, p, { values, errors: { _form: `${what} ou mot de passe incorrect.` } }, 401);
  }
  setSessionCookie(c, outcome.token, form.data.remember === "on");
  if (outcome.deviceToken) setDeviceCookie(c, outcome.deviceToken);
  if (outcome.secondFactor) return seeOther(c, codePath(p.base, p.next(c)));
  if (outcome.mustChangePassword) return seeOther(c, `${p.base}/mot-de-passe`);
  return seeOther(c, p.next(c) ?? p.home);
}

/** « Se déconnecter »: the session ends, audited; parents may be sent to the town's site. */
async function logOut(deps: Deps, p: Place, c: Context<AppEnv>) {
  const s = c.get("session");
  const tenant = c.get("tenant");
  if (s) {
    await deps.db.withTenant(sessionScope(tenant.id, s), async (trx) => {
      await deleteSession(trx, s.sessionId);
      await recordAuthEvent(trx, c.env.log, {
        tenantId: tenant.id,
        userId: s.userId,
        event: "logout",
        ip: c.env.ip,
      });
    });
  }
  clearSessionCookie(c);
  const away = p.kind === "parent" ? tenant.config.auth.logoutRedirect : undefined;
  return seeOther(c, away ?? `${p.base}/connexion?message=deconnecte`);
}

/** « Mot de passe oublié ? »: the same answer whether or not the account exists. */
function forgottenPassword(app: Hono<AppEnv>, deps: Deps, p: Place) {
  app.get("/mot-de-passe-oublie", (c) =>
    page(c, "auth/forgot", { base: p.base, field: p.field(c), values: {}, errors: {} }),
  );
  app.post("/mot-de-passe-oublie", async (c) => {
    const form = await readForm(c, forgotSchema(p.field(c)));
    if (!form.ok) {
      const view = { base: p.base, field: p.field(c), values: form.values, errors: form.errors };
      return page(c, "auth/forgot", view, 422);
    }
    await account.requestReset(accountDeps(deps, c), p.kind, form.data.identifier);
    return page(c, "auth/forgot-sent", { base: p.base });
  });
}

type LinkPurpose = "activation" | "password_reset";

async function showChoosePassword(
  deps: Deps,
  p: Place,
  purpose: LinkPurpose,
  c: Context<AppEnv>,
  errors: Record<string, string> = {},
  status: 200 | 422 = 200,
) {
  const row = await account.checkLink(accountDeps(deps, c), c.req.param("token") ?? "", purpose);
  const rules = passwordRules(c.get("tenant").config.auth.passwordPolicy, [row.email ?? "", row.login ?? ""]);
  return page(c, "auth/choose-password", { purpose, base: p.base, account: row, rules, errors }, status);
}

/** The new password of an e-mailed link: a reset sends to the login, an activation opens a session. */
async function choosePassword(deps: Deps, p: Place, purpose: LinkPurpose, c: Context<AppEnv>) {
  const token = c.req.param("token") ?? "";
  const d = accountDeps(deps, c);
  const row = await account.checkLink(d, token, purpose);
  const form = await readForm(c, newPasswordSchema);
  if (!form.ok) return showChoosePassword(deps, p, purpose, c, form.errors, 422);
  const policy = c.get("tenant").config.auth.passwordPolicy;
  const missing = missingRules(form.data.new_password, policy, [row.email ?? "", row.login ?? ""]);
  if (missing.length)
    return showChoosePassword(
      deps,
      p,
      purpose,
      c,
      { new_password: `Il manque : ${missing.join(" ; ")}.` },
      422,
    );
  if (purpose === "password_reset") {
    await account.resetPassword(d, token, form.data.new_password);
    return seeOther(c, `${p.base}/connexion?message=mot-de-passe-reinitialise`);
  }
  // Staff invitations use this (the parents') link too; staff land in their own area.
  const done = await account.activate(d, token, form.data.new_password);
  setSessionCookie(c, done.session, false);
  const area = done.kind === "staff" ? "/agents" : "";
  const welcome = `${area || p.home}?message=compte-active`;
  if (done.secondFactor) return seeOther(c, codePath(area, welcome));
  return seeOther(c, welcome);
}

/**
 * Log in, log out, forgotten password and reset, for parents (at /) and staff (at /agents):
 * the same flows, the same rules, one town's accounts only.
 */
export function authRoutes(deps: Deps, kind: Kind) {
  const p = placeOf(kind);
  const app = new Hono<AppEnv>();
  app.get("/connexion", (c) => (c.get("session")?.kind === kind ? c.redirect(p.home, 303) : loginPage(c, p)));
  app.post("/connexion", (c) => logIn(deps, p, c));
  app.post("/deconnexion", (c) => logOut(deps, p, c));
  forgottenPassword(app, deps, p);
  // Links from e-mails: GET shows the form, only the POST changes anything.
  const purposes: LinkPurpose[] = kind === "parent" ? ["password_reset", "activation"] : ["password_reset"];
  for (const purpose of purposes) {
    const path = purpose === "activation" ? "/activation/:token" : "/reinitialisation/:token";
    app.get(path, (c) => showChoosePassword(deps, p, purpose, c));
    app.post(path, (c) => choosePassword(deps, p, purpose, c));
  }
  return app;
}
