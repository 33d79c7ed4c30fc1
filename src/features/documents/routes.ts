import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent } from "../../auth/middleware.ts";
import { readUpload, singleValues, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerHousehold, callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { sendFile } from "./download.ts";
import type { Scope } from "./schemas.ts";
import * as documentsService from "./service.ts";
import { formatsLabel, sizeLabel } from "./sniff.ts";

/** Room for the multipart envelope and the form's other fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;
const SCOPES: Record<string, Scope> = { foyer: "household", enfant: "child" };
const DEPOSITED = "Votre document a été déposé. La commune le vérifiera.";

interface FormState {
  scope?: Scope;
  values?: Record<string, string>;
  errors?: Record<string, string>;
}

/** « ?type=attestation_qf » (from « Mon foyer »): that type chosen in its upload form, if the town has it. */
function preselected(c: Context<AppEnv>): FormState {
  const wanted = c.req.query("type");
  const type = c.get("tenant").config.householdFile.documents.types.find((t) => t.key === wanted);
  return type ? { scope: type.scope, values: { type: type.key } } : {};
}

/** « Mes documents »: the household's and each child's documents, the upload forms (with what was typed). */
async function render(
  deps: Deps,
  c: Context<AppEnv>,
  form: FormState = {},
  status: ContentfulStatusCode = 200,
) {
  const tenant = c.get("tenant");
  const cfg = tenant.config.householdFile.documents;
  const householdId = callerHousehold(c);
  const data = await inTransaction(c, deps.db, (trx) =>
    documentsService.householdDocuments(trx, tenant, householdId),
  );
  const notice = c.req.query("message") === "document-depose" ? { message: DEPOSITED } : {};
  const shown = { scope: form.scope, values: form.values ?? {}, errors: form.errors ?? {} };
  const upload = {
    types: cfg.types,
    forms: cfg.forms,
    formats: formatsLabel(cfg),
    maxSize: sizeLabel(cfg.maxBytes),
  };
  const accept = cfg.extensions.join(",");
  return page(c, "documents/index", { ...data, ...notice, ...upload, accept, form: shown }, status);
}

/** The town's maximum with room for the envelope (the global 64 KB limit skips these paths: site-app.ts). */
const limit = (deps: Deps, scope: Scope) => (c: Context<AppEnv>, next: () => Promise<void>) => {
  const maxBytes = c.get("tenant").config.householdFile.documents.maxBytes;
  const tooBig = { file: `Le fichier dépasse la taille maximale de ${sizeLabel(maxBytes)}.` };
  return bodyLimit({
    maxSize: maxBytes + MULTIPART_OVERHEAD,
    onError: (c) => render(deps, c, { scope, errors: tooBig }, 413),
  })(c, next);
};

/** One upload: every field and the file checked first, then stored in the request's transaction. */
async function deposit(deps: Deps, c: Context<AppEnv>, scope: Scope) {
  const form = await readUpload(c);
  const values = singleValues(form.values);
  const tenant = c.get("tenant");
  const checked = await documentsService.checkUpload(tenant, { scope, values, file: form.files.file?.[0] });
  const parent = { userId: callerScope(c).userId, householdId: callerHousehold(c) };
  const result = checked.ok
    ? await inTransaction(c, deps.db, (trx) => documentsService.upload(trx, tenant, parent, checked))
    : checked;
  if (!result.ok) return render(deps, c, { scope, values, errors: result.errors }, 422);
  return seeOther(c, "/documents?message=document-depose");
}

/** « Mes documents » for parents: the household's and each child's, uploads, the town's blank forms. */
export function documentsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/documents", requireParent, (c) => render(deps, c, preselected(c)));
  for (const [segment, scope] of Object.entries(SCOPES))
    app.post(`/documents/depot/${segment}`, requireParent, limit(deps, scope), (c) =>
      deposit(deps, c, scope),
    );
  app.get("/documents/:id/fichier", requireParent, async (c) => {
    const id = uuidParam(c, "id");
    return sendFile(c, await inTransaction(c, deps.db, (trx) => documentsService.fileOf(trx, id)));
  });
  app.get("/documents/formulaires/:file", requireParent, async (c) => {
    const form = await documentsService.townForm(c.get("tenant"), c.req.param("file"));
    return sendFile(c, { filename: form.file, mime: "application/pdf", content: form.content });
  });
  return app;
}
