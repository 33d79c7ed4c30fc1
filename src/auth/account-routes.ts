import { type Context, Hono } from "hono";
import { FormError, type FormState, submitForm } from "../http/forms.ts";
import { page, seeOther } from "../http/render.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import * as account from "./account-service.ts";
import { requireParent, requireStaff } from "./middleware.ts";
import { passwordRules } from "./password.ts";
import { accountDeps } from "./routes.ts";
import { changeEmailSchema, changePasswordSchema } from "./schemas.ts";
import type { SessionUser } from "./sessions.ts";

interface Place {
  base: string;
  /** Where « Retour » leads: the parent's « Mon profil », the staff's home. */
  back: string;
  home: string;
}

const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;

function passwordPage(
  p: Place,
  c: Context<AppEnv>,
  errors: Record<string, string> = {},
  status: 200 | 422 = 200,
) {
  const s = session(c);
  const rules = passwordRules(c.get("tenant").config.auth.passwordPolicy, [s.email ?? "", s.login ?? ""]);
  const view = { base: p.base, back: p.back, rules, errors, forced: s.mustChangePassword };
  return page(c, "auth/change-password", view, status);
}

const emailPage = (p: Place, c: Context<AppEnv>, state: Partial<FormState> = {}, status: 200 | 422 = 200) =>
  page(c, "auth/change-email", { base: p.base, back: p.back, values: {}, errors: {}, ...state }, status);

/** The new password, once the current one is right and the town's rules are met. */
const changePassword = (deps: Deps, p: Place, c: Context<AppEnv>) =>
  submitForm(c, changePasswordSchema, {
    valid: async (data) => {
      const d = accountDeps(deps, c);
      const errors = await account.changePassword(d, session(c), data.current_password, data.new_password);
      if (errors) throw new FormError(errors);
      return seeOther(c, `${p.home}?message=mot-de-passe-modifie`);
    },
    invalid: (state) => passwordPage(p, c, state.errors, 422),
  });

/** A new e-mail address: a confirmation link is sent to it; nothing changes until it is opened. */
const changeEmail = (deps: Deps, p: Place, c: Context<AppEnv>) =>
  submitForm(c, changeEmailSchema, {
    valid: async (data) => {
      const d = accountDeps(deps, c);
      const errors = await account.requestEmailChange(d, session(c), data.email, data.password);
      if (errors) throw new FormError(errors);
      return seeOther(c, `${p.back}?message=email-envoye`);
    },
    invalid: (state) => emailPage(p, c, state, 422),
  });

/** Signed-in account settings: change password (forced at first login where the town says so), change e-mail. */
export function accountRoutes(deps: Deps, kind: "parent" | "staff") {
  const p: Place = {
    base: kind === "staff" ? "/agents" : "",
    back: kind === "staff" ? "/agents" : "/profil",
    home: kind === "staff" ? "/agents" : "/",
  };
  const app = new Hono<AppEnv>();
  const guard = kind === "staff" ? requireStaff : requireParent;
  app.get("/mot-de-passe", guard, (c) => passwordPage(p, c));
  app.post("/mot-de-passe", guard, (c) => changePassword(deps, p, c));
  app.get("/compte/email", guard, (c) => emailPage(p, c));
  app.post("/compte/email", guard, (c) => changeEmail(deps, p, c));
  // The confirmation link may be opened on another device, signed out: the token is the proof.
  app.get("/compte/email/:token", async (c) => {
    const row = await account.checkLink(accountDeps(deps, c), c.req.param("token"), "email_change");
    return page(c, "auth/confirm-email", { base: p.base, newEmail: row.new_email });
  });
  app.post("/compte/email/:token", async (c) => {
    await account.confirmEmailChange(accountDeps(deps, c), c.req.param("token"));
    return seeOther(c, `${c.get("session") ? p.back : `${p.base}/connexion`}?message=email-modifie`);
  });
  return app;
}
