import { type Context, Hono } from "hono";
import { type FormState, submitForm } from "../http/forms.ts";
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

const placeOf = (kind: "parent" | "staff"): Place =>
  kind === "staff"
    ? { base: "/agents", back: "/agents", home: "/agents" }
    : { base: "", back: "/profil", home: "/" };

/** Signed-in account settings: change password (forced at first login where the town says so), change e-mail. */
export function accountRoutes(deps: Deps, kind: "parent" | "staff") {
  const p = placeOf(kind);
  const app = new Hono<AppEnv>();
  const guard = kind === "staff" ? requireStaff : requireParent;
  app.get("/mot-de-passe", guard, (c) => passwordPage(p, c));
  app.post("/mot-de-passe", guard, (c) =>
    submitForm(c, changePasswordSchema, {
      valid: async (data) => {
        await account.changePassword(
          accountDeps(deps, c),
          session(c),
          data.current_password,
          data.new_password,
        );
        return seeOther(c, `${p.home}?message=mot-de-passe-modifie`);
      },
      invalid: (state) => passwordPage(p, c, state.errors, 422),
    }),
  );
  app.get("/compte/email", guard, (c) => emailPage(p, c));
  app.post("/compte/email", guard, (c) =>
    submitForm(c, changeEmailSchema, {
      valid: async (data) => {
        await account.requestEmailChange(accountDeps(deps, c), session(c), data.email, data.password);
        return seeOther(c, `${p.back}?message=email-envoye`);
      },
      invalid: (state) => emailPage(p, c, state, 422),
    }),
  );
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
