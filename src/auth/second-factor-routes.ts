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

interface Place {
  deps: Deps;
  kind: "parent" | "staff";
  base: string;
}

/** Where the login (or the activation) was going: kept through the code, same town only. */
const suite = (p: Place, c: Context<AppEnv>) => sameTownPath(c.req.query("suite"), p.base);

async function codePage(
  p: Place,
  c: Context<AppEnv>,
  errors: Record<string, string> = {},
  status: 200 | 422 | 429 = 200,
) {
  const token = readSessionCookie(c);
  const user = token ? await secondFactor.pendingUser(p.deps.db, c.get("tenant"), token) : undefined;
  const passkey = !!user?.passkeys;
  return page(c, "auth/second-factor-code", { base: p.base, suite: suite(p, c), passkey, errors }, status);
}

/** A staff member whose town requires a factor and who has none yet enrols here, signed out. */
async function enrolling(p: Place, c: Context<AppEnv>, token: string) {
  const user = await secondFactor.pendingUser(p.deps.db, c.get("tenant"), token);
  if (user?.kind !== "staff" || user.enabled_at) return null;
  return { ...user, kind: "staff" as const, householdId: null };
}

async function enrolPage(
  p: Place,
  c: Context<AppEnv>,
  person: Person,
  errors: Record<string, string> = {},
  status: 200 | 422 = 200,
) {
  const state = await secondFactor.enrolment(p.deps.db, c.get("tenant"), person);
  const next = suite(p, c);
  const action = `${p.base}/connexion/code${next ? `?suite=${encodeURIComponent(next)}` : ""}`;
  const view = { base: p.base, action, state, staff: [], errors, codes: null };
  return page(c, "auth/second-factor", view, status);
}

/** The recovery codes, shown once in this answer: only their digests are kept. */
function recoveryCodes(p: Place, c: Context<AppEnv>, codes: string[], next?: string) {
  c.header("Cache-Control", "no-store");
  const view = { base: p.base, next, state: { enabled: true }, staff: [], admin: false, errors: {}, codes };
  return page(c, "auth/second-factor", view);
}

async function enrolAtLogin(
  p: Place,
  c: Context<AppEnv>,
  token: string,
  person: Person,
  form: FormResult<z.infer<typeof codeSchema>>,
) {
  if (!form.ok) return enrolPage(p, c, person, form.errors, 422);
  const input = { code: form.data.code, ip: c.env.ip };
  const codes = await secondFactor.enrolAtLogin(p.deps.db, c.env.log, c.get("tenant"), token, person, input);
  if (!codes) return enrolPage(p, c, person, { code: wrong }, 422);
  return recoveryCodes(p, c, codes, suite(p, c));
}

/** The code after the password (or the enrolment, for staff who must have a factor). */
async function giveCode(p: Place, c: Context<AppEnv>) {
  const token = readSessionCookie(c);
  if (!token) return seeOther(c, `${p.base}/connexion`);
  const person = await enrolling(p, c, token);
  const form = await readForm(c, codeSchema);
  if (person) return enrolAtLogin(p, c, token, person, form);
  if (!form.ok) return codePage(p, c, form.errors, 422);
  const input = { code: form.data.code, ip: c.env.ip };
  const outcome = await secondFactor.complete(p.deps.db, c.env.log, c.get("tenant"), token, input);
  if (!outcome) return seeOther(c, `${p.base}/connexion`);
  if (outcome.ok) return seeOther(c, suite(p, c) ?? (p.base || "/"));
  if (outcome.waitSeconds > 0) return codePage(p, c, { code: tooManyTries(outcome.waitSeconds) }, 429);
  return codePage(p, c, { code: wrong }, 422);
}

/** « Double authentification »: the factor's state, the passkeys, and a town admin's resets. */
async function show(
  p: Place,
  c: Context<AppEnv>,
  errors: Record<string, string> = {},
  status: 200 | 422 = 200,
) {
  const db = p.deps.db;
  const state = await secondFactor.enrolment(db, c.get("tenant"), session(c));
  const admin = p.kind === "staff" && session(c).staffRole === "admin";
  const staff = admin ? await secondFactor.enabledStaff(db, c.get("tenant"), session(c)) : [];
  const reset = c.req.query("reinitialise") === "1";
  const keys = state.enabled ? await passkeys.list(db, account(c)) : [];
  const view = { base: p.base, state, staff, admin, reset, keys, errors, codes: null };
  return page(c, "auth/second-factor", view, status);
}

async function confirm(p: Place, c: Context<AppEnv>) {
  const form = await readForm(c, codeSchema);
  if (!form.ok) return show(p, c, form.errors, 422);
  const input = { code: form.data.code, ip: c.env.ip };
  const codes = await secondFactor.confirm(p.deps.db, c.env.log, c.get("tenant"), session(c), input);
  if (!codes) return show(p, c, { code: wrong }, 422);
  return recoveryCodes(p, c, codes);
}

/**
 * The code after the password and the enrolment, for staff (mounted at /agents, with a town
 * admin's reset) and for parents who chose it (mounted at /).
 */
export function secondFactorRoutes(deps: Deps, kind: "parent" | "staff") {
  const app = new Hono<AppEnv>();
  const p: Place = { deps, kind, base: kind === "staff" ? "/agents" : "" };
  const guard = kind === "staff" ? requireStaff : requireParent;
  app.get("/connexion/code", async (c) => {
    const token = readSessionCookie(c);
    if (!token) return seeOther(c, `${p.base}/connexion`);
    const person = await enrolling(p, c, token);
    return person ? enrolPage(p, c, person) : codePage(p, c);
  });
  app.post("/connexion/code", (c) => giveCode(p, c));
  app.get(PAGE, guard, (c) => show(p, c));
  app.post(PAGE, guard, (c) => confirm(p, c));
  const pages = {
    show: (c: Context<AppEnv>, errors?: Record<string, string>, status?: 200 | 422) =>
      show(p, c, errors, status),
    codePage: (c: Context<AppEnv>, errors?: Record<string, string>, status?: 200 | 422 | 429) =>
      codePage(p, c, errors, status),
    next: (c: Context<AppEnv>) => suite(p, c) ?? (p.base || "/"),
  };
  mountPasskeys(app, deps, PAGE, guard, pages, {
    account,
    loginOptions: (c, token, site) => townLoginOptions(deps.db, c.get("tenant"), token, site),
    complete: (c, token, input) => townComplete(deps.db, c.env.log, c.get("tenant"), token, input),
  });
  if (kind === "parent") return app;
  app.post(`${PAGE}/reinitialisation/:userId`, requireStaff, requireStaffAdmin, async (c) => {
    await secondFactor.reset(deps.db, c.get("tenant"), session(c), uuidParam(c, "userId"));
    return seeOther(c, `/agents${PAGE}?reinitialise=1`);
  });
  return app;
}
