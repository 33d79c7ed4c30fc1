import { type Context, Hono } from "hono";
import { requireStaff, requireStaffAdmin } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { notFound } from "../../http/errors.ts";
import { page, seeOther } from "../../http/render.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { contrastOf } from "../../tenancy/branding-form.ts";
import { SECTIONS } from "../../tenancy/config-schema.ts";
import { checkLogo } from "../../tenancy/logo.ts";
import { FALLBACK_LABELS } from "../requests/view.ts";
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
import * as settings from "./service.ts";

/** « Paramètres de la commune » (/agents/parametres): the town's admins set what its tenant file set. */
export function settingsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/parametres", requireStaff, requireStaffAdmin);
  app.use("/parametres/*", requireStaff, requireStaffAdmin);

  const settingsPage = (
    c: Context<AppEnv>,
    edited: { part: Part; values: Raw; errors: Record<string, string> } | null = null,
  ) => {
    const cfg = c.get("tenant").config;
    const values = { ...partValues(cfg), ...(edited?.values ?? {}) };
    return page(
      c,
      "settings/index",
      {
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
      },
      edited ? 422 : 200,
    );
  };
  app.get("/parametres", (c) => settingsPage(c));
  app.get("/parametres/contraste", (c) =>
    page(c, "platform/_contrast", { contrast: contrastOf(c.req.query()) }),
  );
  app.post("/parametres/:part", async (c) => {
    const part = PARTS.find((p) => p === c.req.param("part"));
    if (!part) throw notFound();
    const body = await c.req.parseBody({ all: true });
    const raw: Raw = {};
    for (const [k, v] of Object.entries(body))
      raw[k] = Array.isArray(v)
        ? v.filter((x): x is string => typeof x === "string")
        : typeof v === "string"
          ? v
          : "";
    const parsed = parsePart(part, raw, c.get("tenant").config);
    const file = part === "identite" && body.logo instanceof File && body.logo.size > 0 ? body.logo : null;
    const logo = file ? await checkLogo(file) : null;
    const errors = { ...(parsed.ok ? {} : parsed.errors), ...(logo && !logo.ok ? { logo: logo.error } : {}) };
    if (!parsed.ok || (logo && !logo.ok)) return settingsPage(c, { part, values: raw, errors });
    const session = c.get("session") as SessionUser;
    await settings.saveSettings(
      deps.db,
      c.get("tenant"),
      session,
      part,
      parsed.config,
      logo?.ok ? logo.svg : null,
    );
    deps.sites.invalidate();
    return seeOther(c, `/agents/parametres?enregistre=${part}#${part}`);
  });
  return app;
}
