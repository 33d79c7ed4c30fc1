import { type Context, Hono } from "hono";
import { publicOrigin } from "../env.ts";
import { readForm, safeValues } from "../http/forms.ts";
import { page, seeOther } from "../http/render.ts";
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

/**
 * Log in, log out, forgotten password and reset, for parents (at /) and staff (at /agents):
 * the same flows, the same rules, one town's accounts only.
 */
export function authRoutes(deps: Deps, kind: Kind) {
  const base = kind === "staff" ? "/agents" : "";
  const home = kind === "staff" ? "/agents" : "/";
  const app = new Hono<AppEnv>();
  const field = (c: Context<AppEnv>) => loginField(c.get("tenant"), kind);
  const loginPage = (
    c: Context<AppEnv>,
    data: Record<string, unknown> = {},
    status: 200 | 401 | 422 | 429 = 200,
  ) =>
    page(
      c,
      "auth/login",
      { kind, base, field: field(c), values: {}, errors: {}, suite: safeNext(c), ...data },
      status,
    );
  // Only a path of this portal: never another host ("//evil", "/%09/evil", "https://…").
  const safeNext = (c: Context<AppEnv>) => sameTownPath(c.req.query("suite"), base);

  app.get("/connexion", (c) => (c.get("session")?.kind === kind ? c.redirect(home, 303) : loginPage(c)));

  app.post("/connexion", async (c) => {
    const form = await readForm(c, loginSchema(field(c)));
    const values = safeValues(form.values);
    if (!form.ok) return loginPage(c, { values, errors: form.errors }, 422);
    const outcome = await login(deps.db, c.env.log, c.get("tenant"), {
      kind,
      identifier: form.data.identifier,
      password: form.data.password,
      remember: form.data.remember === "on",
      ip: c.env.ip,
      deviceToken: readDeviceCookie(c),
      userAgent: c.req.header("user-agent"),
      connectionsUrl: `${publicOrigin(deps.env, c.env.site.hostname)}${base}/compte/connexions`,
    });
    if (!outcome.ok && outcome.reason === "throttled") {
      const minutes = Math.max(1, Math.ceil(outcome.waitSeconds / 60));
      const error = `Trop de tentatives de connexion. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}, ou utilisez « Mot de passe oublié ? ».`;
      c.header("Retry-After", String(outcome.waitSeconds));
      return loginPage(c, { values, errors: { _form: error } }, 429);
    }
    if (!outcome.ok) {
      const what = field(c) === "email" ? "Adresse e-mail" : "Identifiant";
      return loginPage(c, { values, errors: { _form: `${what} ou mot de passe incorrect.` } }, 401);
    }
    setSessionCookie(c, outcome.token, form.data.remember === "on");
    if (outcome.deviceToken) setDeviceCookie(c, outcome.deviceToken);
    if (outcome.secondFactor) return seeOther(c, codePath(base, safeNext(c)));
    if (outcome.mustChangePassword) return seeOther(c, `${base}/mot-de-passe`);
    return seeOther(c, safeNext(c) ?? home);
  });

  app.post("/deconnexion", async (c) => {
    const s = c.get("session");
    const tenant = c.get("tenant");
    if (s) {
      await deps.db.withTenant(
        { role: account.personaOf(s), tenantId: tenant.id, userId: s.userId, householdId: s.householdId },
        async (trx) => {
          await deleteSession(trx, s.sessionId);
          await recordAuthEvent(trx, c.env.log, {
            tenantId: tenant.id,
            userId: s.userId,
            event: "logout",
            ip: c.env.ip,
          });
        },
      );
    }
    clearSessionCookie(c);
    const away = kind === "parent" ? tenant.config.auth.logoutRedirect : undefined;
    return seeOther(c, away ?? `${base}/connexion?message=deconnecte`);
  });

  app.get("/mot-de-passe-oublie", (c) =>
    page(c, "auth/forgot", { base, field: field(c), values: {}, errors: {} }),
  );
  app.post("/mot-de-passe-oublie", async (c) => {
    const form = await readForm(c, forgotSchema(field(c)));
    if (!form.ok) {
      return page(c, "auth/forgot", { base, field: field(c), values: form.values, errors: form.errors }, 422);
    }
    await account.requestReset(accountDeps(deps, c), kind, form.data.identifier);
    return page(c, "auth/forgot-sent", { base });
  });

  // Links from e-mails: GET shows the form, only the POST changes anything.
  const choosePassword = (purpose: "activation" | "password_reset") => {
    const path = purpose === "activation" ? "/activation/:token" : "/reinitialisation/:token";
    const show = async (c: Context<AppEnv>, errors: Record<string, string> = {}, status: 200 | 422 = 200) => {
      const row = await account.checkLink(accountDeps(deps, c), c.req.param("token") ?? "", purpose);
      const rules = passwordRules(c.get("tenant").config.auth.passwordPolicy, [
        row.email ?? "",
        row.login ?? "",
      ]);
      return page(c, "auth/choose-password", { purpose, base, account: row, rules, errors }, status);
    };
    app.get(path, (c) => show(c));
    app.post(path, async (c) => {
      const token = c.req.param("token") ?? "";
      const d = accountDeps(deps, c);
      const row = await account.checkLink(d, token, purpose);
      const form = await readForm(c, newPasswordSchema);
      if (!form.ok) return show(c, form.errors, 422);
      const policy = c.get("tenant").config.auth.passwordPolicy;
      const missing = missingRules(form.data.new_password, policy, [row.email ?? "", row.login ?? ""]);
      if (missing.length) return show(c, { new_password: `Il manque : ${missing.join(" ; ")}.` }, 422);
      if (purpose === "password_reset") {
        await account.resetPassword(d, token, form.data.new_password);
        return seeOther(c, `${base}/connexion?message=mot-de-passe-reinitialise`);
      }
      // Staff invitations use this (the parents') link too; staff land in their own area.
      const done = await account.activate(d, token, form.data.new_password);
      setSessionCookie(c, done.session, false);
      const area = done.kind === "staff" ? "/agents" : "";
      const welcome = `${area || home}?message=compte-active`;
      if (done.secondFactor) return seeOther(c, codePath(area, welcome));
      return seeOther(c, welcome);
    });
  };
  choosePassword("password_reset");
  if (kind === "parent") choosePassword("activation");

  return app;
}
