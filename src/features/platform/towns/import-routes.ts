import { type Context, Hono } from "hono";
import { readUpload, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { tenantJsonSchema } from "../../../tenancy/file-io.ts";
import { requireOperator, who } from "../guard.ts";
import * as importService from "./import-service.ts";

/** Tenant files from the console: export a town, import (create or update) one, the JSON Schema. */
export function platformImportRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const schema = JSON.stringify(tenantJsonSchema(), null, 2);
  // Public: editors (YAML language servers) fetch it; it holds no town's data.
  app.get("/schema/commune.json", (c) =>
    c.body(schema, 200, { "Content-Type": "application/schema+json; charset=utf-8" }),
  );

  app.get("/communes/:id/export", requireOperator, async (c) => {
    const file = await importService.exportTown(deps, who(deps, c), uuidParam(c, "id"));
    return c.body(file.text, 200, {
      "Content-Type": "application/yaml; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.slug}.yaml"`,
      "Cache-Control": "no-store",
    });
  });

  const importPage = (
    c: Context<AppEnv>,
    errors: Record<string, string> = {},
    issues: { path: string; message: string }[] = [],
    status: 200 | 422 = 200,
  ) => page(c, "platform/import", { errors, issues, values: {} }, status);
  app.get("/import", requireOperator, (c) => importPage(c));
  app.post("/import", requireOperator, async (c) => {
    const { files } = await readUpload(c);
    const file = files.fichier?.find((f) => f.size > 0);
    if (!file) return importPage(c, { fichier: "Choisissez un fichier de commune (.yaml)." }, [], 422);
    const logo = files.logo?.[0];
    const r = await importService.importTown(deps.db, who(deps, c), await file.text(), logo);
    if (!r.ok) return importPage(c, r.errors, r.issues, 422);
    deps.sites.invalidate();
    return seeOther(c, `/communes/${r.id}?message=${r.created ? "commune-creee" : "commune-importee"}`);
  });
  return app;
}
