import { type Context, Hono } from "hono";
import { z } from "zod";
import { readForm, readUpload, singleValues, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { contrastOf } from "../../../tenancy/branding-form.ts";
import { checkLogo } from "../../../tenancy/logo.ts";
import { operatorOf, requireOperator, who } from "../guard.ts";
import { NEW_TOWN_VALUES, parseTownForm, townValues, type Values } from "./town-form.ts";
import * as townsService from "./towns-service.ts";

type Status = "active" | "suspended" | "archived";
type Change = { status: Status; message: string; typeName: boolean };
type Errors = Record<string, string>;
/** Each status change: its confirmation page, the status it sets, the message after it. */
const CHANGES: Record<string, Change> = {
  suspendre: { status: "suspended", message: "commune-suspendue", typeName: true },
  reactiver: { status: "active", message: "commune-reactivee", typeName: false },
  archiver: { status: "archived", message: "commune-archivee", typeName: true },
};
const confirmSchema = z.object({ nom: z.string().default("") });

function formPage(
  deps: Deps,
  c: Context<AppEnv>,
  town: { id: string; name: string; slug: string } | null,
  values: Values,
  errors: Errors = {},
  status: 200 | 422 = 200,
) {
  const view = { town, values, errors, domain: deps.env.PLATFORM_DOMAIN, contrast: contrastOf(values) };
  return page(c, "platform/town", view, status);
}

const townOf = (deps: Deps, c: Context<AppEnv>) =>
  townsService.getTown(deps.db, operatorOf(c), uuidParam(c, "id"));

/** « Nouvelle commune »: its settings and its logo (required). */
async function createTown(deps: Deps, c: Context<AppEnv>) {
  const form = await readUpload(c);
  const values = singleValues(form.values);
  const parsed = parseTownForm(values, null);
  const logo = await checkLogo(form.files.logo?.[0]);
  const errors = { ...(parsed.ok ? {} : parsed.errors), ...(logo.ok ? {} : { logo: logo.error }) };
  if (!parsed.ok || !logo.ok) return formPage(deps, c, null, values, errors, 422);
  const saved = await townsService.createTown(deps.db, who(deps, c), parsed.config, logo.svg);
  if (!saved.ok) return formPage(deps, c, null, values, saved.errors, 422);
  deps.sites.invalidate();
  return seeOther(c, `/communes/${saved.id}?message=commune-creee`);
}

/** A town's settings; its logo changes only when a new one is chosen. */
async function updateTown(deps: Deps, c: Context<AppEnv>) {
  const town = await townOf(deps, c);
  const form = await readUpload(c);
  const values = { ...singleValues(form.values), slug: town.slug };
  const parsed = parseTownForm(values, town.config);
  const file = form.files.logo?.find((f) => f.size > 0);
  const logo = file ? await checkLogo(file) : null;
  const errors = { ...(parsed.ok ? {} : parsed.errors), ...(logo && !logo.ok ? { logo: logo.error } : {}) };
  if (!parsed.ok || (logo && !logo.ok)) return formPage(deps, c, town, values, errors, 422);
  const svg = logo?.ok ? logo.svg : null;
  const saved = await townsService.updateTown(deps.db, who(deps, c), town.id, parsed.config, svg);
  if (!saved.ok) return formPage(deps, c, town, values, saved.errors, 422);
  deps.sites.invalidate();
  return seeOther(c, `/communes/${town.id}?message=commune-enregistree`);
}

const confirmPage = (
  c: Context<AppEnv>,
  path: string,
  town: { id: string; name: string },
  errors: Errors = {},
  status: 200 | 422 = 200,
) => page(c, "platform/town-confirm", { town, path, change: CHANGES[path], errors, values: {} }, status);

/** Suspending or archiving asks for the town's name typed again; reactivating does not. */
async function changeStatus(deps: Deps, c: Context<AppEnv>, path: string, change: Change) {
  const town = await townOf(deps, c);
  const form = await readForm(c, confirmSchema);
  const typed = form.ok ? form.data.nom : "";
  if (change.typeName && !townsService.namesTown(typed, town.name))
    return confirmPage(c, path, town, { nom: `Tapez exactement le nom de la commune : ${town.name}.` }, 422);
  await townsService.setStatus(deps.db, who(deps, c), town.id, change.status);
  // This process at once; the others through NOTIFY (src/tenancy/watch.ts).
  deps.sites.invalidate();
  return seeOther(c, `/?message=${change.message}`);
}

/** The operators' console: creating, editing, closing and archiving a town. */
export function platformTownRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/communes/*", requireOperator);
  app.use("/contraste", requireOperator);
  app.get("/communes/nouvelle", (c) => formPage(deps, c, null, NEW_TOWN_VALUES));
  app.post("/communes/nouvelle", (c) => createTown(deps, c));
  app.get("/communes/:id", async (c) => {
    const town = await townOf(deps, c);
    return formPage(deps, c, town, townValues(town.config));
  });
  app.post("/communes/:id", (c) => updateTown(deps, c));
  // Live RGAA contrast while the operator picks colours (htmx); the POST enforces it anyway.
  app.get("/contraste", (c) =>
    page(c, "platform/_contrast", { contrast: contrastOf(c.req.query() as Values) }),
  );
  for (const [path, change] of Object.entries(CHANGES)) {
    app.get(`/communes/:id/${path}`, async (c) => confirmPage(c, path, await townOf(deps, c)));
    app.post(`/communes/:id/${path}`, (c) => changeStatus(deps, c, path, change));
  }
  return app;
}
