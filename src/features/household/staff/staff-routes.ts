import { type Context, Hono } from "hono";
import { requireStaff } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import { notFound } from "../../../http/errors.ts";
import { readForm, uuidParam } from "../../../http/forms.ts";
import { page, pageOrPart, seeOther } from "../../../http/render.ts";
import { callerScope, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { recordStaffView } from "../../health-log/service.ts";
import type { Values } from "../../requests/service.ts";
import * as display from "../display.ts";
import type { FormDef } from "../forms.ts";
import { formValues } from "../routes.ts";
import { staffForm } from "./staff-forms.ts";
import * as staffService from "./staff-service.ts";

const FLASH: Record<string, string> = {
  enregistre: "Les modifications ont été appliquées au dossier du foyer.",
  inchange: "Aucune modification : les informations étaient déjà à jour.",
};

const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;

const pageNumber = (raw: string | undefined) => {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
};

type Input = { values: Record<string, string>; errors: Record<string, string> };

async function showForm(deps: Deps, c: Context<AppEnv>, id: string, form: FormDef, input?: Input) {
  const { household, values } = await inTransaction(c, deps.db, (trx) =>
    staffService.editView(trx, id, form.section),
  );
  const data = {
    form,
    household,
    values: input?.values ?? formValues(values),
    errors: input?.errors ?? {},
  };
  return page(c, "staff/households/edit", data, input ? 422 : 200);
}

function formOf(c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  const form = staffForm(c.req.param("form") ?? "", id);
  if (!form) throw notFound();
  return { id, form };
}

/** « Rechercher un foyer »: the page, or only its results for htmx as the staff member types. */
async function search(deps: Deps, c: Context<AppEnv>) {
  const q = (c.req.query("q") ?? "").trim();
  const current = pageNumber(c.req.query("page"));
  const found = await inTransaction(c, deps.db, (trx) => staffService.search(trx, q, current));
  return pageOrPart(c, "staff/households/search", "staff/households/_results", { q, current, ...found });
}

/** The household's whole file; it shows each child's health information, logged per child (issue 16). */
async function showFile(deps: Deps, c: Context<AppEnv>) {
  const householdId = uuidParam(c, "id");
  const tenant = c.get("tenant");
  const data = await inTransaction(c, deps.db, async (trx) => {
    const data = await staffService.file(trx, tenant, householdId);
    const childIds = data.children.map((child) => child.id);
    await recordStaffView(trx, tenant, session(c), { householdId, childIds }, "fiche");
    return data;
  });
  const message = FLASH[c.req.query("message") ?? ""];
  return page(c, "staff/households/show", { ...data, display, ...(message ? { message } : {}) });
}

/** A staff edit of one section, applied at once. */
async function saveForm(deps: Deps, c: Context<AppEnv>) {
  const { id, form } = formOf(c);
  const parsed = await readForm(c, form.schema);
  if (!parsed.ok) return showForm(deps, c, id, form, { values: parsed.values, errors: parsed.errors });
  const change = { householdId: id, section: form.section, values: parsed.data as Values };
  const outcome = await inTransaction(c, deps.db, (trx) =>
    staffService.save(trx, c.get("tenant"), callerScope(c).userId, change),
  );
  return seeOther(c, `${form.back}?message=${outcome.kind === "unchanged" ? "inchange" : "enregistre"}`);
}

/** « Rechercher un foyer », the household's whole file, and the staff's direct edits. Mounted at /agents. */
export function householdStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/foyers", requireStaff, (c) => search(deps, c));
  app.get("/foyers/:id", requireStaff, (c) => showFile(deps, c));
  app.get("/foyers/:id/:form", requireStaff, (c) => {
    const { id, form } = formOf(c);
    return showForm(deps, c, id, form);
  });
  app.post("/foyers/:id/:form", requireStaff, (c) => saveForm(deps, c));
  return app;
}
