import { type Context, Hono } from "hono";
import { loginField } from "../../auth/login.ts";
import { requireParent } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { notFound } from "../../http/errors.ts";
import { readForm, safeValues } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import type { Values } from "../requests/section-handler.ts";
import * as display from "./display.ts";
import { type FormDef, foyerForms, profileForm } from "./forms.ts";
import * as householdService from "./service.ts";

const FLASH: Record<string, string> = {
  enregistre: "Vos modifications ont été enregistrées.",
  demande:
    "Votre demande a été envoyée à la commune : vos informations changeront quand elle l'aura validée.",
  inchange: "Aucune modification : les informations étaient déjà à jour.",
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
    const ok = await householdService.checkPassword(deps.db, tenant, session(c), String(password));
    const errors = { password: "Mot de passe incorrect." };
    if (!ok) return showForm(deps, c, form, { values: safeValues(parsed.values), errors });
  }
  const outcome = await householdService.save(deps.db, tenant, session(c), form.section, values);
  return seeOther(c, `${form.back}?message=${OUTCOME[outcome.kind]}`);
}

const formOf = (c: Context<AppEnv>) => {
  const form = foyerForms[c.req.param("form") ?? ""];
  if (!form) throw notFound();
  return form;
};

export function householdRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/profil", requireParent, async (c) => {
    const tenant = c.get("tenant");
    const data = await householdService.overview(deps.db, tenant, session(c), "profil");
    const field = loginField(tenant, "parent");
    return page(c, "household/profile", { ...data, display, field, ...flash(c) });
  });
  app.get("/profil/modifier", requireParent, (c) => showForm(deps, c, profileForm));
  app.post("/profil/modifier", requireParent, (c) => saveForm(deps, c, profileForm));

  app.get("/foyer", requireParent, async (c) => {
    const data = await householdService.overview(deps.db, c.get("tenant"), session(c), "foyer");
    return page(c, "household/foyer", { ...data, display, ...flash(c) });
  });
  app.post("/foyer/autre-responsable/supprimer", requireParent, async (c) => {
    const outcome = await householdService.removePartner(deps.db, c.get("tenant"), session(c));
    return seeOther(c, `/foyer?message=${OUTCOME[outcome.kind]}`);
  });
  app.get("/foyer/:form", requireParent, (c) => showForm(deps, c, formOf(c)));
  app.post("/foyer/:form", requireParent, (c) => saveForm(deps, c, formOf(c)));
  return app;
}
