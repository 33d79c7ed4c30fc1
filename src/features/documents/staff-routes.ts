import { type Context, Hono } from "hono";
import { requireStaff } from "../../auth/middleware.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { sendFile } from "./download.ts";
import { refusalSchema } from "./schemas.ts";
import * as documentsService from "./service.ts";

const NOTICES: Record<string, string> = {
  "document-valide": "Le document a été validé.",
  "document-refuse": "Le document a été refusé ; la famille a été prévenue par e-mail.",
};

type Decision = { accept: true } | { accept: false; reason: string };

async function render(
  c: Context<AppEnv>,
  deps: Deps,
  failed: { id: string; reason: string; error: string } | null = null,
  status: 200 | 422 = 200,
) {
  const documents = await inTransaction(c, deps.db, (trx) =>
    documentsService.deposited(trx, c.get("tenant")),
  );
  const notice = NOTICES[c.req.query("message") ?? ""];
  return page(c, "documents/staff", { documents, failed, ...(notice ? { message: notice } : {}) }, status);
}

const decide = (c: Context<AppEnv>, deps: Deps, id: string, decision: Decision) =>
  inTransaction(c, deps.db, (trx) =>
    documentsService.decide(trx, c.get("tenant"), callerScope(c).userId, id, decision),
  );

async function refuse(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  const form = await readForm(c, refusalSchema);
  if (!form.ok) {
    // The document must exist for this town before the form is shown again.
    await inTransaction(c, deps.db, (trx) => documentsService.ensureVisible(trx, id));
    return render(c, deps, { id, reason: form.values.reason ?? "", error: form.errors.reason ?? "" }, 422);
  }
  await decide(c, deps, id, { accept: false, reason: form.data.reason });
  return seeOther(c, "/agents/documents?message=document-refuse");
}

/** The town's documents waiting for a decision. Mounted at /agents. */
export function documentsStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/documents", requireStaff, (c) => render(c, deps));
  app.get("/documents/:id/fichier", requireStaff, async (c) => {
    const id = uuidParam(c, "id");
    return sendFile(c, await inTransaction(c, deps.db, (trx) => documentsService.fileOf(trx, id)));
  });
  app.post("/documents/:id/valider", requireStaff, async (c) => {
    await decide(c, deps, uuidParam(c, "id"), { accept: true });
    return seeOther(c, "/agents/documents?message=document-valide");
  });
  app.post("/documents/:id/refuser", requireStaff, (c) => refuse(c, deps));
  return app;
}
