import { type Context, Hono } from "hono";
import { z } from "zod";
import { mountPasskeys } from "../../../auth/passkey-routes.ts";
import * as passkeys from "../../../auth/passkeys.ts";
import { tooManyTries } from "../../../auth/throttle.ts";
import { readHostCookie } from "../../../http/cookies.ts";
import { readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { requiredText } from "../../../lib/form-fields.ts";
import { operatorOf, requireOperator } from "../guard.ts";
import { operatorAccount, operatorComplete, operatorLoginOptions } from "./passkey-service.ts";
import * as factor from "./second-factor-service.ts";

const codeSchema = z.object({ code: requiredText(20) });
const PAGE = "/compte/double-authentification";
const OPERATOR = { base: "", layout: "/layouts/neutral", siteName: "Parvis – console des opérateurs" };
const wrong =
  "Code incorrect. Saisissez les 6 chiffres affichés par votre application, ou un code de secours.";

type Errors = Record<string, string>;

async function pendingOf(deps: Deps, c: Context<AppEnv>) {
  const token = readHostCookie(c, "parvis");
  const op = token ? await factor.pending(deps.db, token) : undefined;
  return token && op ? { token, op } : null;
}

async function codePage(deps: Deps, c: Context<AppEnv>, errors: Errors = {}, status: 200 | 422 | 429 = 200) {
  const passkey = !!(await pendingOf(deps, c))?.op.passkeys;
  return page(c, "auth/second-factor-code", { ...OPERATOR, passkey, errors }, status);
}

async function enrolPage(
  deps: Deps,
  c: Context<AppEnv>,
  op: factor.Pending,
  errors: Errors = {},
  status: 200 | 422 = 200,
) {
  const state = await factor.enrolment(deps.db, op);
  const view = { ...OPERATOR, action: "/connexion/code", operatorRule: true, state, staff: [], codes: null };
  return page(c, "auth/second-factor", { ...view, errors }, status);
}

/** The code after the password; at the first login, the enrolment and its recovery codes. */
async function giveCode(deps: Deps, c: Context<AppEnv>) {
  const p = await pendingOf(deps, c);
  if (!p) return seeOther(c, "/connexion");
  const form = await readForm(c, codeSchema);
  if (!p.op.enabled_at) {
    if (!form.ok) return enrolPage(deps, c, p.op, form.errors, 422);
    const codes = await factor.enrol(deps.db, c.env.log, p.token, p.op, form.data.code, c.env.ip);
    if (!codes) return enrolPage(deps, c, p.op, { code: wrong }, 422);
    c.header("Cache-Control", "no-store");
    return page(c, "auth/second-factor", {
      ...OPERATOR,
      state: { enabled: true },
      staff: [],
      errors: {},
      codes,
    });
  }
  if (!form.ok) return codePage(deps, c, form.errors, 422);
  const outcome = await factor.verify(deps.db, c.env.log, p.token, p.op, form.data.code, c.env.ip);
  if (outcome.ok) return seeOther(c, "/");
  if (outcome.waitSeconds > 0) return codePage(deps, c, { code: tooManyTries(outcome.waitSeconds) }, 429);
  return codePage(deps, c, { code: wrong }, 422);
}

/** « Double authentification » of the signed-in operator: the factor, and their passkeys. */
async function show(deps: Deps, c: Context<AppEnv>, errors: Errors = {}, status: 200 | 422 = 200) {
  const [state, keys] = await Promise.all([
    factor.factorState(deps.db, operatorOf(c)),
    passkeys.list(deps.db, operatorAccount(operatorOf(c))),
  ]);
  return page(c, "auth/second-factor", { ...OPERATOR, state, keys, staff: [], errors, codes: null }, status);
}

/**
 * /connexion/code on the console: the mandatory second factor after the password, with the
 * enrolment at the first login, or a passkey; and the operator's « Double authentification »
 * (their passkeys). The pages are the town accounts' (templates/auth), in the console's layout.
 */
export function platformSecondFactorRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/connexion/code", async (c) => {
    const p = await pendingOf(deps, c);
    if (!p) return seeOther(c, "/connexion");
    return p.op.enabled_at ? codePage(deps, c) : enrolPage(deps, c, p.op);
  });
  app.post("/connexion/code", (c) => giveCode(deps, c));
  app.get(PAGE, requireOperator, (c) => show(deps, c));
  const pages = {
    show: (c: Context<AppEnv>, errors?: Errors, status?: 200 | 422) => show(deps, c, errors, status),
    codePage: (c: Context<AppEnv>, errors?: Errors, status?: 200 | 422 | 429) =>
      codePage(deps, c, errors, status),
    next: () => "/",
  };
  mountPasskeys(app, deps, PAGE, requireOperator, pages, {
    account: (c) => operatorAccount(operatorOf(c)),
    loginOptions: (_, token, site) => operatorLoginOptions(deps.db, token, site),
    complete: (c, token, input) => operatorComplete(deps.db, c.env.log, token, input),
  });
  return app;
}
