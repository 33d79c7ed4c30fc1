import { type Context, Hono } from "hono";
import { loginField } from "../../auth/login.ts";
import { requireParent } from "../../auth/middleware.ts";
import { accountDeps } from "../../auth/routes.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { notFound } from "../../http/errors.ts";
import { readForm, safeValues } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import type { Values } from "../requests/service.ts";
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

const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;

/** A value as the form shows it: a box checked, decimals with a comma. */
const formValue = (v: Values[string]) => {
  if (typeof v === "boolean") return v ? "on" : "";
  if (v === null) return "";
  return /^\d+\.\d+$/.test(String(v)) ? String(v).replace(".", ",") : String(v);
};
export const formValues = (values: Values | null): Record<string, string> =>
  Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, formValue(v)]));

type Input = { values: Record<string, string>; errors: Record<string, string> };

/** A section's edit form: its current values, or what was typed with the errors (422). */
async function showForm(deps: Deps, c: Context<AppEnv>, form: FormDef, input?: Input) {
  const tenant = c.get("tenant");
  const { household, view, values } = await householdService.editView(
    deps.db,
    tenant,
    session(c),
    form.section,
  );
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

/** Validates, checks the password for bank details, then applies or sends the change. */
async function saveForm(deps: Deps, c: Context<AppEnv>, form: FormDef) {
  const tenant = c.get("tenant");
  const parsed = await readForm(c, form.schema);
  if (!parsed.ok)
    return showForm(deps, c, form, { values: safeValues(parsed.values), errors: parsed.errors });
  const { password, ...values } = parsed.data as Values & { password?: string };
  if (form.section === "bancaire") {
    const reauth = { db: deps.db, log: c.env.log, tenantId: tenant.id, ip: c.env.ip };
    const wrong = await householdService.checkPassword(reauth, tenant, session(c), String(password));
    const errors = { password: wrong ?? "" };
    if (wrong) return showForm(deps, c, form, { values: safeValues(parsed.values), errors });
  }
  const outcome = await householdService.save(deps.db, tenant, session(c), form.section, values);
  return seeOther(c, `${form.back}?message=${OUTCOME[outcome.kind]}`);
}

/** The invited other guardian's own row is edited from « Mon profil », never from « Mon foyer ». */
async function formOf(deps: Deps, c: Context<AppEnv>) {
  const form = foyerForms[c.req.param("form") ?? ""];
  if (!form) throw notFound();
  if (form.section === "conjoint") await assertAccountHolder(deps, c);
  return form;
}

async function assertAccountHolder(deps: Deps, c: Context<AppEnv>) {
  if ((await ownSection(deps, c)) === "conjoint") throw notFound();
}

const ownSection = (deps: Deps, c: Context<AppEnv>) =>
  householdService.mySection(deps.db, c.get("tenant"), session(c));

const profileFormOf = async (deps: Deps, c: Context<AppEnv>) =>
  (await ownSection(deps, c)) === "conjoint" ? partnerProfileForm : profileForm;

/** « Inviter à créer son propre accès »; an e-mail already used by a family account: 422. */
async function invite(deps: Deps, c: Context<AppEnv>) {
  const parsed = await readForm(c, inviteSchema);
  if (!parsed.ok) throw notFound();
  const result = await invitation.invite(accountDeps(deps, c), session(c), parsed.data.guardian);
  if (result.ok) return seeOther(c, "/foyer?message=invite");
  const data = await householdService.overview(deps.db, c.get("tenant"), session(c), "foyer");
  return page(c, "household/foyer", { ...data, display, inviteError: result.error }, 422);
}

export function householdRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/profil", requireParent, async (c) => {
    const tenant = c.get("tenant");
    const data = await householdService.overview(deps.db, tenant, session(c), "profil");
    const field = loginField(tenant, "parent");
    return page(c, "household/profile", { ...data, display, field, ...flash(c) });
  });
  app.get("/profil/modifier", requireParent, async (c) => showForm(deps, c, await profileFormOf(deps, c)));
  app.post("/profil/modifier", requireParent, async (c) => saveForm(deps, c, await profileFormOf(deps, c)));

  app.get("/foyer", requireParent, async (c) => {
    const data = await householdService.overview(deps.db, c.get("tenant"), session(c), "foyer");
    return page(c, "household/foyer", { ...data, display, ...flash(c) });
  });
  app.post("/foyer/autre-responsable/inviter", requireParent, (c) => invite(deps, c));
  app.post("/foyer/autre-responsable/supprimer", requireParent, async (c) => {
    await assertAccountHolder(deps, c);
    const outcome = await householdService.removePartner(deps.db, c.get("tenant"), session(c));
    return seeOther(c, `/foyer?message=${OUTCOME[outcome.kind]}`);
  });
  app.get("/foyer/:form", requireParent, async (c) => showForm(deps, c, await formOf(deps, c)));
  app.post("/foyer/:form", requireParent, async (c) => saveForm(deps, c, await formOf(deps, c)));
  return app;
}
