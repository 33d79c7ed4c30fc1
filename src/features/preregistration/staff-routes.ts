import { type Context, Hono } from "hono";
import { requireStaff } from "../../auth/middleware.ts";
import { accountDeps } from "../../auth/routes.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { refusalSchema } from "./schemas.ts";
import * as preregistrationService from "./service.ts";

const MESSAGES: Record<string, string> = {
  refusee: "La préinscription a été refusée. La famille est prévenue par e-mail, avec le motif.",
};

async function detailPage(
  deps: Deps,
  c: Context<AppEnv>,
  errors: Record<string, string> = {},
  values: Record<string, string> = {},
  status: 200 | 422 = 200,
) {
  const id = uuidParam(c, "id");
  const row = await inTransaction(c, deps.db, (trx) => preregistrationService.detail(trx, id));
  return page(c, "preregistration/staff-show", { row, errors, values }, status);
}

/** « Accepter »: the file opened, or why not (nothing created) on the same page. */
async function accept(deps: Deps, c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  const result = await inTransaction(c, deps.db, (trx) =>
    preregistrationService.accept(trx, accountDeps(deps, c), callerScope(c).userId, id),
  );
  if (!result.ok) {
    const message = result.errors.email ?? Object.values(result.errors)[0] ?? "";
    return detailPage(deps, c, { accept: `${message} Rien n'a été créé.` }, {}, 422);
  }
  return page(c, "preregistration/staff-accepted", { result });
}

/** « Préinscriptions »: the forms of new families, accepted or refused. Mounted at /agents. */
export function preregistrationStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/preinscriptions", requireStaff, async (c) => {
    const rows = await inTransaction(c, deps.db, (trx) => preregistrationService.pending(trx));
    return page(c, "preregistration/staff-list", { rows, message: MESSAGES[c.req.query("message") ?? ""] });
  });
  app.get("/preinscriptions/:id", requireStaff, (c) => detailPage(deps, c));
  app.post("/preinscriptions/:id/accepter", requireStaff, (c) => accept(deps, c));
  app.post("/preinscriptions/:id/refuser", requireStaff, async (c) => {
    const id = uuidParam(c, "id");
    const form = await readForm(c, refusalSchema);
    if (!form.ok) return detailPage(deps, c, form.errors, form.values, 422);
    await inTransaction(c, deps.db, (trx) =>
      preregistrationService.refuse(trx, c.get("tenant"), callerScope(c).userId, id, form.data.reason),
    );
    return seeOther(c, "/agents/preinscriptions?message=refusee");
  });
  return app;
}
