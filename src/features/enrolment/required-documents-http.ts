import type { Context, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Trx } from "../../db/database.ts";
import { page } from "../../http/render.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import type { ParentCtx } from "./enrolments/service.ts";
import { asParent } from "./parent-scope.ts";

/** Room for the multipart envelope and the form's other fields around the files. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** At most this many files ride with one request (a service asks for a few documents). */
const MAX_FILES = 4;

export type Render = (
  c: Context<AppEnv>,
  errors: Record<string, string>,
  values: Record<string, unknown>,
) => Response | Promise<Response>;

/**
 * The body limit of a form that carries documents (the global 64 KB limit skips these paths,
 * site-app.ts): the town's file size for each of a few files; beyond, the form says why.
 */
export function uploadLimit(render: Render) {
  return (c: Context<AppEnv>, next: Next) => {
    const maxBytes = c.get("tenant").config.householdFile.documents.maxBytes;
    return bodyLimit({
      maxSize: maxBytes * MAX_FILES + MULTIPART_OVERHEAD,
      onError: (c) =>
        render(
          c as Context<AppEnv>,
          {
            documents:
              "Les fichiers envoyés sont trop volumineux : joignez-les un par un depuis « Mes documents ».",
          },
          {},
        ),
    })(c, next);
  };
}

/** The text fields of a posted form, as typed (files left out), to re-render it. */
export function textValues(body: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") values[k] = v.trim();
  return values;
}

/** A request form that carries documents, as the parent sees it: its data, what was typed, the errors (422). */
export function requestForm<T extends object>(
  deps: Deps,
  template: string,
  data: (trx: Trx, ctx: ParentCtx) => Promise<T>,
): Render {
  return async (c, errors, values) => {
    const shown = await asParent(deps, c, data);
    return page(c, template, { ...shown, errors, values }, Object.keys(errors).length ? 422 : 200);
  };
}
