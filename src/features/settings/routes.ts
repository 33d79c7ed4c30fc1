import { type Context, Hono } from "hono";
import { loginField } from "../../auth/login.ts";
import { requireStaff, requireStaffAdmin } from "../../auth/middleware.ts";
import { notFound } from "../../http/errors.ts";
import { readUpload } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction, visitorTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { contrastOf } from "../../tenancy/branding-form.ts";
import type { TenantConfig } from "../../tenancy/config-schema.ts";
import { SECTIONS } from "../../tenancy/config-schema.ts";
import { checkLogo } from "../../tenancy/logo.ts";
import * as newsService from "../news/service.ts";
import { FALLBACK_LABELS } from "../requests/service.ts";
import {
  EXTENSIONS,
  HOME_TILES,
  LAYOUTS,
  MANDATORY_CHOICES,
  PARTS,
  type Part,
  parsePart,
  partValues,
  type Raw,
} from "./forms.ts";
import * as preview from "./preview.ts";
import * as settings from "./service.ts";

type Edited = { part: Part; values: Raw; errors: Record<string, string> };

/** The settings page: every part's form, one of them re-shown with what was typed and its errors. */
function settingsPage(c: Context<AppEnv>, edited: Edited | null = null) {
  const cfg = c.get("tenant").config;
  const values = { ...partValues(cfg), ...(edited?.values ?? {}) };
  const view = {
    values,
    errors: edited?.errors ?? {},
    part: edited?.part ?? null,
    saved: c.req.query("enregistre") ?? null,
    contrast: contrastOf(values as Record<string, string>),
    sections: SECTIONS.map((s) => [s, FALLBACK_LABELS[s] ?? s]),
    mandatory: MANDATORY_CHOICES,
    extensions: EXTENSIONS,
    layouts: Object.entries(LAYOUTS),
    homeTiles: Object.entries(HOME_TILES),
    types: cfg.householdFile.documents.types,
  };
  return page(c, "settings/index", view, edited ? 422 : 200);
}

/** « Aperçu »: the public page with the identity form's unsaved values; nothing is saved. */
async function previewPage(deps: Deps, c: Context<AppEnv>) {
  const read = await readPart(c, "identite");
  if (!read.ok) return settingsPage(c, read);
  const tenant = c.get("tenant");
  c.header("Cache-Control", "no-store");
  return page(c, "home/public", {
    ...preview.publicPage(tenant, read.config, read.logoSvg),
    field: loginField(tenant, "parent"),
    values: {},
    errors: {},
    base: "",
    news: await visitorTransaction(c, deps.db, (trx) => newsService.latest(trx)),
  });
}

async function savePart(deps: Deps, c: Context<AppEnv>) {
  const part = PARTS.find((p) => p === c.req.param("part"));
  if (!part) throw notFound();
  const read = await readPart(c, part);
  if (!read.ok) return settingsPage(c, read);
  const userId = callerScope(c).userId;
  await inTransaction(c, deps.db, (trx) =>
    settings.saveSettings(trx, c.get("tenant"), userId, part, read.config, read.logoSvg),
  );
  deps.sites.invalidate();
  return seeOther(c, `/agents/parametres?enregistre=${part}#${part}`);
}

/** « Paramètres de la commune » (/agents/parametres): the town's admins set what its tenant file set. */
export function settingsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/parametres", requireStaff, requireStaffAdmin);
  app.use("/parametres/*", requireStaff, requireStaffAdmin);
  app.get("/parametres", (c) => settingsPage(c));
  app.get("/parametres/contraste", (c) =>
    page(c, "platform/_contrast", { contrast: contrastOf(c.req.query()) }),
  );
  app.get("/parametres/apercu.css", (c) => {
    const css = preview.themeCss(c.req.query("primary"), c.req.query("on_primary"));
    if (!css) throw notFound();
    return c.body(css, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "no-store" });
  });
  app.post("/parametres/apercu", (c) => previewPage(deps, c));
  app.post("/parametres/:part", (c) => savePart(deps, c));
  return app;
}

type Read =
  | { ok: true; config: TenantConfig; logoSvg: string | null }
  | { ok: false; part: Part; values: Raw; errors: Record<string, string> };

/** One part's form, checked by the tenant schema's rules, with its new logo (identity only). */
async function readPart(c: Context<AppEnv>, part: Part): Promise<Read> {
  const form = await readUpload(c);
  const raw: Raw = form.values;
  const parsed = parsePart(part, raw, c.get("tenant").config);
  const file = part === "identite" ? (form.files.logo?.find((f) => f.size > 0) ?? null) : null;
  const logo = file ? await checkLogo(file) : null;
  if (parsed.ok && (!logo || logo.ok))
    return { ok: true, config: parsed.config, logoSvg: logo?.ok ? logo.svg : null };
  const errors = { ...(parsed.ok ? {} : parsed.errors), ...(logo && !logo.ok ? { logo: logo.error } : {}) };
  return { ok: false, part, values: raw, errors };
}
