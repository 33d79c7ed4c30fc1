import { type Context, Hono } from "hono";
import { z } from "zod";
import { type FormResult, readForm, uuidParam } from "../http/forms.ts";
import { page, seeOther } from "../http/render.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { requiredText } from "../lib/form-fields.ts";
import { readSessionCookie, requireParent, requireStaff, requireStaffAdmin } from "./middleware.ts";
import { mountPasskeys } from "./passkey-routes.ts";
import * as passkeys from "./passkeys.ts";
import { sameTownPath } from "./redirect.ts";
import * as secondFactor from "./second-factor.ts";
import type { SessionUser } from "./sessions.ts";
import { tooManyTries } from "./throttle.ts";
import { townAccount, townComplete, townLoginOptions } from "./town-passkeys.ts";

type Person = Parameters<typeof secondFactor.enrolment>[2];

const codeSchema = z.object({ code: requiredText(20) });
const PAGE = "/compte/double-authentification";
const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;
const account = (c: Context<AppEnv>) => townAccount(c.get("tenant"), session(c), c.env.log);
const wrong =
  "Code incorrect. Saisissez les 6 chiffres affichés par votre application, ou un code de secours.";

/**
 * The code after the password and the enrolment, for staff (mounted at /agents, with a town
 * admin's reset) and for parents who chose it (mounted at /).
 */
export function secondFactorRoutes(deps: Deps, kind: "parent" | "staff") {
  const app = new Hono<AppEnv>();
  const base = kind === "staff" ? "/agents" : "";
  const guard = kind === "staff" ? requireStaff : requireParent;
  // Where the login (or the activation) was going: kept through the code, same town only.
  const suite = (c: Context<AppEnv>) => sameTownPath(c.req.query("suite"), base);
  const codePage = async (
    c: Context<AppEnv>,
    errors: Record<string, string> = {},
    status: 200 | 422 | 429 = 200,
  ) => {
    const token = readSessionCookie(c);
    const user = token ? await secondFactor.pendingUser(deps.db, c.get("tenant"), token) : undefined;
    const passkey = !!user?.passkeys;
    return page(c, "auth/second-factor-code", { base, suite: suite(c), passkey, errors }, status);
  };

  // A staff member whose town requires a factor and who has none yet enrols here, signed out.
  const enrolling = async (c: Context<AppEnv>, token: string) => {
    const user = await secondFactor.pendingUser(deps.db, c.get("tenant"), token);
    if (user?.kind !== "staff" || user.enabled_at) return null;
    return { ...user, kind: "staff" as const, householdId: null };
  };
  const enrolPage = async (
    c: Context<AppEnv>,
    person: Person,
    errors: Record<string, string> = {},
    status: 200 | 422 = 200,
  ) => {
    const state = await secondFactor.enrolment(deps.db, c.get("tenant"), person);
    const next = suite(c);
    const action = `${base}/connexion/code${next ? `?suite=${encodeURIComponent(next)}` : ""}`;
    return page(c, "auth/second-factor", { base, action, state, staff: [], errors, codes: null }, status);
  };

  app.get("/connexion/code", async (c) => {
    const token = readSessionCookie(c);
    if (!token) return seeOther(c, `${base}/connexion`);
    const person = await enrolling(c, token);
    return person ? enrolPage(c, person) : codePage(c);
  });
  app.post("/connexion/code", async (c) => {
    const token = readSessionCookie(c);
    if (!token) return seeOther(c, `${base}/connexion`);
    const person = await enrolling(c, token);
    const form = await readForm(c, codeSchema);
    if (person) return enrolAtLogin(c, token, person, form);
    if (!form.ok) return codePage(c, form.errors, 422);
    const outcome = await secondFactor.complete(
      deps.db,
      c.env.log,
      c.get("tenant"),
      token,
      form.data.code,
      c.env.ip,
    );
    if (!outcome) return seeOther(c, `${base}/connexion`);
    if (outcome.ok) return seeOther(c, suite(c) ?? (base || "/"));
    if (outcome.waitSeconds > 0) return codePage(c, { code: tooManyTries(outcome.waitSeconds) }, 429);
    return codePage(c, { code: wrong }, 422);
  });

  const enrolAtLogin = async (
    c: Context<AppEnv>,
    token: string,
    person: Person,
    form: FormResult<z.infer<typeof codeSchema>>,
  ) => {
    if (!form.ok) return enrolPage(c, person, form.errors, 422);
    const input = { code: form.data.code, ip: c.env.ip };
    const codes = await secondFactor.enrolAtLogin(deps.db, c.env.log, c.get("tenant"), token, person, input);
    if (!codes) return enrolPage(c, person, { code: wrong }, 422);
    c.header("Cache-Control", "no-store");
    const next = suite(c);
    return page(c, "auth/second-factor", {
      base,
      next,
      state: { enabled: true },
      staff: [],
      errors: {},
      codes,
    });
  };

  const show = async (c: Context<AppEnv>, errors: Record<string, string> = {}, status: 200 | 422 = 200) => {
    const state = await secondFactor.enrolment(deps.db, c.get("tenant"), session(c));
    const admin = kind === "staff" && session(c).staffRole === "admin";
    const staff = admin ? await secondFactor.enabledStaff(deps.db, c.get("tenant"), session(c)) : [];
    const reset = c.req.query("reinitialise") === "1";
    const keys = state.enabled ? await passkeys.list(deps.db, account(c)) : [];
    const view = { base, state, staff, admin, reset, keys, errors, codes: null };
    return page(c, "auth/second-factor", view, status);
  };
  app.get(PAGE, guard, (c) => show(c));
  app.post(PAGE, guard, async (c) => {
    const form = await readForm(c, codeSchema);
    if (!form.ok) return show(c, form.errors, 422);
    const codes = await secondFactor.confirm(
      deps.db,
      c.env.log,
      c.get("tenant"),
      session(c),
      form.data.code,
      c.env.ip,
    );
    if (!codes) return show(c, { code: wrong }, 422);
    // Shown once, in this answer: only their digests are kept.
    c.header("Cache-Control", "no-store");
    return page(c, "auth/second-factor", {
      base,
      state: { enabled: true },
      staff: [],
      admin: false,
      errors: {},
      codes,
    });
  });
  mountPasskeys(
    app,
    deps,
    PAGE,
    guard,
    { show, codePage, next: (c) => suite(c) ?? (base || "/") },
    {
      account,
      loginOptions: (c, token, site) => townLoginOptions(deps.db, c.get("tenant"), token, site),
      complete: (c, token, input) => townComplete(deps.db, c.env.log, c.get("tenant"), token, input),
    },
  );
  if (kind === "parent") return app;
  app.post(`${PAGE}/reinitialisation/:userId`, requireStaff, requireStaffAdmin, async (c) => {
    await secondFactor.reset(deps.db, c.get("tenant"), session(c), uuidParam(c, "userId"));
    return seeOther(c, `/agents${PAGE}?reinitialise=1`);
  });
  return app;
}
