import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { readUpload, singleValues, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
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

/** « Mes documents » for parents: the household's and each child's, uploads, the town's blank forms. */
export function documentsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;

  const render = async (c: Context<AppEnv>, form: FormState = {}, status: ContentfulStatusCode = 200) => {
    const tenant = c.get("tenant");
    const cfg = tenant.config.householdFile.documents;
    const data = await documentsService.overview(deps.db, tenant, session(c));
    const notice = c.req.query("message") === "document-depose" ? { message: DEPOSITED } : {};
    return page(
      c,
      "documents/index",
      {
        ...data,
        ...notice,
        types: cfg.types,
        forms: cfg.forms,
        formats: formatsLabel(cfg),
        maxSize: sizeLabel(cfg.maxBytes),
        accept: cfg.extensions.join(","),
        form: { scope: form.scope, values: form.values ?? {}, errors: form.errors ?? {} },
      },
      status,
    );
  };

  app.get("/documents", requireParent, (c) => render(c, preselected(c)));

  // The global 64 KB limit skips these paths (site-app.ts): each town sets its own maximum.
  const limit = (scope: Scope) => (c: Context<AppEnv>, next: () => Promise<void>) => {
    const maxBytes = c.get("tenant").config.householdFile.documents.maxBytes;
    return bodyLimit({
      maxSize: maxBytes + MULTIPART_OVERHEAD,
      onError: (c) =>
        render(
          c,
          { scope, errors: { file: `Le fichier dépasse la taille maximale de ${sizeLabel(maxBytes)}.` } },
          413,
        ),
    })(c, next);
  };

  for (const [segment, scope] of Object.entries(SCOPES)) {
    app.post(`/documents/depot/${segment}`, requireParent, limit(scope), async (c) => {
      const form = await readUpload(c);
      const values = singleValues(form.values);
      const file = form.files.file?.[0];
      const result = await documentsService.upload(deps.db, c.get("tenant"), session(c), {
        scope,
        values,
        file,
      });
      if (!result.ok) return render(c, { scope, values, errors: result.errors }, 422);
      return seeOther(c, "/documents?message=document-depose");
    });
  }

  app.get("/documents/:id/fichier", requireParent, async (c) => {
    const file = await documentsService.fileOf(deps.db, c.get("tenant"), session(c), uuidParam(c, "id"));
    return sendFile(c, file);
  });

  app.get("/documents/formulaires/:file", requireParent, async (c) => {
    const form = await documentsService.townForm(c.get("tenant"), c.req.param("file"));
    return sendFile(c, { filename: form.file, mime: "application/pdf", content: form.content });
  });
  return app;
}
