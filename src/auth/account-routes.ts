import { type Context, Hono } from "hono";
import { readForm, safeValues } from "../http/forms.ts";
import { page, seeOther } from "../http/render.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import * as account from "./account-service.ts";
import { requireParent, requireStaff } from "./middleware.ts";
import { passwordRules } from "./password.ts";
import { accountDeps } from "./routes.ts";
import { changeEmailSchema, changePasswordSchema } from "./schemas.ts";
import type { SessionUser } from "./sessions.ts";

/** Signed-in account settings: change password (forced at first login where the town says so), change e-mail. */
export function accountRoutes(deps: Deps, kind: "parent" | "staff") {
  const base = kind === "staff" ? "/agents" : "";
  const back = kind === "staff" ? "/agents" : "/profil";
  const app = new Hono<AppEnv>();
  const guard = kind === "staff" ? requireStaff : requireParent;
  const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;

  const passwordPage = (c: Context<AppEnv>, errors: Record<string, string> = {}, status: 200 | 422 = 200) => {
    const s = session(c);
    const rules = passwordRules(c.get("tenant").config.auth.passwordPolicy, [s.email ?? "", s.login ?? ""]);
    return page(
      c,
      "auth/change-password",
      { base, back, rules, errors, forced: s.mustChangePassword },
      status,
    );
  };
  app.get("/mot-de-passe", guard, (c) => passwordPage(c));
  app.post("/mot-de-passe", guard, async (c) => {
    const form = await readForm(c, changePasswordSchema);
    if (!form.ok) return passwordPage(c, form.errors, 422);
    const errors = await account.changePassword(
      accountDeps(deps, c),
      session(c),
      form.data.current_password,
      form.data.new_password,
    );
    if (errors) return passwordPage(c, errors, 422);
    return seeOther(c, `${kind === "staff" ? "/agents" : "/"}?message=mot-de-passe-modifie`);
  });

  const emailPage = (
    c: Context<AppEnv>,
    values = {},
    errors: Record<string, string> = {},
    status: 200 | 422 = 200,
  ) => page(c, "auth/change-email", { base, back, values, errors }, status);
  app.get("/compte/email", guard, (c) => emailPage(c));
  app.post("/compte/email", guard, async (c) => {
    const form = await readForm(c, changeEmailSchema);
    const values = safeValues(form.values);
    if (!form.ok) return emailPage(c, values, form.errors, 422);
    const errors = await account.requestEmailChange(
      accountDeps(deps, c),
      session(c),
      form.data.email,
      form.data.password,
    );
    if (errors) return emailPage(c, values, errors, 422);
    return seeOther(c, `${back}?message=email-envoye`);
  });

  // The confirmation link may be opened on another device, signed out: the token is the proof.
  app.get("/compte/email/:token", async (c) => {
    const row = await account.checkLink(accountDeps(deps, c), c.req.param("token"), "email_change");
    return page(c, "auth/confirm-email", { base, newEmail: row.new_email });
  });
  app.post("/compte/email/:token", async (c) => {
    await account.confirmEmailChange(accountDeps(deps, c), c.req.param("token"));
    return seeOther(c, `${c.get("session") ? back : `${base}/connexion`}?message=email-modifie`);
  });
  return app;
}
