import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Trx } from "../../db/database.ts";
import { publicOrigin } from "../../env.ts";
import { notFound } from "../../http/errors.ts";
import { readUpload, singleValues, uuidParam } from "../../http/forms.ts";
import { page } from "../../http/render.ts";
import { inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { formatsLabel, sendFile, sizeLabel } from "../documents/files-service.ts";
import { MAX_FILES } from "./attachments.ts";
import * as messagesService from "./service.ts";
import { messageView } from "./view.ts";

/*
 * What the parents' « Boîte de réception » and the back-office's « Messagerie » and
 * « Diffusion » pages share.
 */

/** A message form as typed, and its errors by field. */
export type MessageForm = { values: Record<string, string>; errors: Record<string, string> };

/** Only towns that use « Boîte de réception » have it. */
export const inboxOn: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get("tenant").config.portal.inbox) throw notFound();
  await next();
};

/** Room for the multipart envelope and the fields around the files. */
const OVERHEAD = 64 * 1024;

/** The town's maximum per file, times the files a message may carry. */
export const messageBodyLimit: MiddlewareHandler<AppEnv> = (c, next) => {
  const max = c.get("tenant").config.householdFile.documents.maxBytes;
  return bodyLimit({
    maxSize: max * MAX_FILES + OVERHEAD,
    onError: (c) => c.text(`Les pièces jointes dépassent ${sizeLabel(max)} par fichier.`, 413),
  })(c, next);
};

/** What the attachment field says before a file is chosen. */
export function filesHint(c: Context<AppEnv>) {
  const cfg = c.get("tenant").config.householdFile.documents;
  return {
    hint: `${MAX_FILES} fichiers au maximum. Formats acceptés : ${formatsLabel(cfg)}. Taille maximale : ${sizeLabel(cfg.maxBytes)} par fichier.`,
    accept: cfg.extensions.join(","),
  };
}

/** The posted fields as text, and the files apart. */
export async function readMessageForm(c: Context<AppEnv>) {
  const form = await readUpload(c);
  return { values: singleValues(form.values), files: form.files.fichiers ?? [] };
}

/** An attachment of a conversation the caller may read (parent or staff), else 404. */
export async function sendAttachment(deps: Deps, c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  return sendFile(c, await inTransaction(c, deps.db, (trx) => messagesService.attachment(trx, id)));
}

/** The town's address, for the links of the e-mail notices. */
export const origin = (deps: Deps, c: Context<AppEnv>) => publicOrigin(deps.env, c.env.site.hostname);

/** Where a conversation is shown (parents' inbox, staff's « Messagerie »), and how it is read. */
export interface ConversationPlace<D extends object> {
  template: string;
  /** What `?fait=` says was just done. */
  notices: Record<string, string>;
  read: (trx: Trx, id: string) => Promise<D>;
  /** After it is read, outside the transaction. */
  shown?: (c: Context<AppEnv>, data: D) => void;
}

/** The conversation of the path's id: its messages, the answer as typed, the notice of what was just done. */
export async function conversationPage<D extends object>(
  deps: Deps,
  c: Context<AppEnv>,
  at: ConversationPlace<D>,
  form: MessageForm = { values: {}, errors: {} },
  status: ContentfulStatusCode = 200,
) {
  const id = uuidParam(c, "id");
  const data = await inTransaction(c, deps.db, (trx) => at.read(trx, id));
  at.shown?.(c, data);
  const notice = at.notices[c.req.query("fait") ?? ""];
  return page(c, at.template, { ...messageView, ...data, ...form, notice, ...filesHint(c) }, status);
}
