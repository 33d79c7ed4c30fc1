import { type Context, Hono } from "hono";
import { loginField } from "../../auth/login.ts";
import { requireParent } from "../../auth/middleware.ts";
import { checkCurrentPassword } from "../../auth/reauth.ts";
import { accountDeps } from "../../auth/routes.ts";
import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { readForm, safeValues } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import type { Values } from "../requests/service.ts";
import { type Parent, parentOf } from "./context.ts";
import * as display from "./display.ts";
import { type FormDef, foyerForms, partnerProfileForm, profileForm } from "./forms.ts";
import * as invitation from "./invite.ts";
import { inviteSchema } from "./schemas.ts";
import * as householdService from "./service.ts";

const FLASH: Record<string, string> = {
  enregistre: "Vos modifications ont été enregistrées.",
  demande:
    "Votre demande a été envoyée à la commune : vos informations changeront quand elle l'aura validée.",
  inchange: "Aucune modification : les informations étaient déjà à jour.",
  invite: "L'autre responsable a reçu un e-mail pour créer son propre accès au portail, sur le même foyer.",
};
const OUTCOME = { applied: "enregistre", requested: "demande", unchanged: "inchange" } as const;

/** Our own flash messages; the account's (e-mail changed…) still come from render's list. */
const flash = (c: Context<AppEnv>) => {
  const message = FLASH[c.req.query("message") ?? ""];
  return message ? { message } : {};
};

/** A value as the form shows it: a box checked, decimals with a comma. */
const formValue = (v: Values[string]) => {
  if (typeof v === "boolean") return v ? "on" : "";
  if (v === null) return "";
  return /^\d+\.\d+$/.test(String(v)) ? String(v).replace(".", ",") : String(v);
};
export const formValues = (values: Values | null): Record<string, string> =>
  Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, formValue(v)]));

type Input = { values: Record<string, string>; errors: Record<string, string> };

/** The request's transaction, as the signed-in parent. */
const asParent = <T>(deps: Deps, c: Context<AppEnv>, fn: (trx: Trx, p: Parent) => Promise<T>) =>
  inTransaction(c, deps.db, (trx) => fn(trx, parentOf(c)));

/** Which form a path shows, as decided in the request's transaction (it may depend on who is « Moi »). */
type PickForm = (trx: Trx, p: Parent) => Promise<FormDef>;

/** A section's edit form: its current values, or what was typed with the errors (422). */
async function showForm(deps: Deps, c: Context<AppEnv>, pick: PickForm, input?: Input) {
  const tenant = c.get("tenant");
  const { form, household, view, values } = await asParent(deps, c, async (trx, p) => {
    const form = await pick(trx, p);
    return { form, ...(await householdService.editView(trx, p.householdId, form.section)) };
  });
  const data = {
    form,
    household,
    view,
    values: input?.values ?? formValues(values),
    errors: input?.errors ?? {},
    requestMode: householdService.modeOf(tenant, form.section) === "request",
  };
  return page(c, "household/edit", data, input ? 422 : 200);
}

/** The password typed again before bank details change: the French message for the field, or null. */
async function wrongPassword(deps: Deps, c: Context<AppEnv>, password: string) {
  const userId = callerScope(c).userId;
  const digest = await inTransaction(c, deps.db, (trx) => householdService.passwordDigest(trx, userId));
  const reauth = { db: deps.db, log: c.env.log, tenantId: c.get("tenant").id, ip: c.env.ip };
  return checkCurrentPassword(reauth, userId, digest, password, "Mot de passe incorrect.");
}

/** Validates, checks the password for bank details, then applies or sends the change. */
async function saveForm(deps: Deps, c: Context<AppEnv>, pick: PickForm) {
  const form = await asParent(deps, c, pick);
  const parsed = await readForm(c, form.schema);
  const again = async (errors: Record<string, string>) =>
    showForm(deps, c, async () => form, { values: safeValues(parsed.values), errors });
  if (!parsed.ok) return again(parsed.errors);
  const { password, ...values } = parsed.data as Values & { password?: string };
  if (form.section === "bancaire") {
    const wrong = await wrongPassword(deps, c, String(password));
    if (wrong) return again({ password: wrong });
  }
  const outcome = await asParent(deps, c, (trx, p) =>
    householdService.save(trx, c.get("tenant"), p, form.section, values),
  );
  return seeOther(c, `${form.back}?message=${OUTCOME[outcome.kind]}`);
}

/** The invited other guardian's own row is edited from « Mon profil », never from « Mon foyer ». */
const foyerForm =
  (c: Context<AppEnv>): PickForm =>
  async (trx, p) => {
    const form = foyerForms[c.req.param("form") ?? ""];
    if (!form) throw notFound();
    if (form.section === "conjoint") await assertAccountHolder(trx, p);
    return form;
  };

async function assertAccountHolder(trx: Trx, p: Parent) {
  if ((await householdService.mySection(trx, p)) === "conjoint") throw notFound();
}

const profileFormOf: PickForm = async (trx, p) =>
  (await householdService.mySection(trx, p)) === "conjoint" ? partnerProfileForm : profileForm;

/** « Mon profil » or « Mon foyer », with our flash message or the invitation's error. */
async function overviewPage(deps: Deps, c: Context<AppEnv>, which: "profil" | "foyer", inviteError?: string) {
  const tenant = c.get("tenant");
  const data = await asParent(deps, c, (trx, p) => householdService.overview(trx, tenant, p, which));
  if (which === "profil")
    return page(c, "household/profile", {
      ...data,
      display,
      field: loginField(tenant, "parent"),
      ...flash(c),
    });
  if (inviteError) return page(c, "household/foyer", { ...data, display, inviteError }, 422);
  return page(c, "household/foyer", { ...data, display, ...flash(c) });
}

/** « Inviter à créer son propre accès »; an e-mail already used by a family account: 422. */
async function invite(deps: Deps, c: Context<AppEnv>) {
  const parsed = await readForm(c, inviteSchema);
  if (!parsed.ok) throw notFound();
  const d = accountDeps(deps, c);
  const result = await asParent(deps, c, (trx, p) => invitation.invite(d, trx, p, parsed.data.guardian));
  if (result.ok) return seeOther(c, "/foyer?message=invite");
  return overviewPage(deps, c, "foyer", result.error);
}

/** « Supprimer l'autre responsable », by the account holder only. */
async function removePartner(deps: Deps, c: Context<AppEnv>) {
  const outcome = await asParent(deps, c, async (trx, p) => {
    await assertAccountHolder(trx, p);
    return householdService.removePartner(trx, c.get("tenant"), p);
  });
  return seeOther(c, `/foyer?message=${OUTCOME[outcome.kind]}`);
}

export function householdRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/profil", requireParent, (c) => overviewPage(deps, c, "profil"));
  app.get("/profil/modifier", requireParent, (c) => showForm(deps, c, profileFormOf));
  app.post("/profil/modifier", requireParent, (c) => saveForm(deps, c, profileFormOf));
  app.get("/foyer", requireParent, (c) => overviewPage(deps, c, "foyer"));
  app.post("/foyer/autre-responsable/inviter", requireParent, (c) => invite(deps, c));
  app.post("/foyer/autre-responsable/supprimer", requireParent, (c) => removePartner(deps, c));
  app.get("/foyer/:form", requireParent, (c) => showForm(deps, c, foyerForm(c)));
  app.post("/foyer/:form", requireParent, (c) => saveForm(deps, c, foyerForm(c)));
  return app;
}
