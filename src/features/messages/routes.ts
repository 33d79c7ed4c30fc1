import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent, type SessionExtra } from "../../auth/middleware.ts";
import { notFound } from "../../http/errors.ts";
import { readUpload, singleValues, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerHousehold, callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { formatsLabel, sendFile, sizeLabel } from "../documents/files-service.ts";
import { MAX_FILES } from "./attachments.ts";
import * as messagesService from "./service.ts";
import { messageView } from "./view.ts";

/** The signed-in parent and their household (behind `requireParent`). */
const parentOf = (c: Context<AppEnv>): messagesService.Parent => ({
  userId: callerScope(c).userId,
  householdId: callerHousehold(c),
});
const NOTICES: Record<string, string> = {
  envoye: "Votre message a été envoyé à la commune.",
  supprime: "Le message a été placé dans « Supprimés ».",
  restaure: "Le message a été restauré.",
};

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

/** « vous avez 1 Nouveau(x) Message(s) » on a parent's pages, read in the session's transaction (app.ts). */
export const unreadCount: SessionExtra = {
  wanted: (c, s) =>
    c.req.method === "GET" && s.kind === "parent" && !!s.householdId && c.get("tenant").config.portal.inbox,
  run: async (trx, c, s) => c.set("unread", await messagesService.unreadIn(trx, s.householdId as string)),
};

/** « Boîte de réception »: Reçus, Envoyés, Supprimés, conversations, « Nouveau message ». */
export function messagesRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/messages/*", inboxOn, requireParent);
  app.use("/messages", inboxOn, requireParent);

  const newForm = (
    c: Context<AppEnv>,
    values: Record<string, string>,
    errors: Record<string, string>,
    status: ContentfulStatusCode,
  ) =>
    page(
      c,
      "messages/new",
      { values, errors, services: c.get("tenant").config.portal.messageServices, ...filesHint(c) },
      status,
    );

  app.get("/messages", async (c) => {
    const key = c.req.query("boite") ?? "recus";
    const box = messagesService.BOXES[key] ?? messagesService.BOXES.recus;
    const threads = await inTransaction(c, deps.db, (trx) =>
      messagesService.inbox(trx, callerHousehold(c), box?.box ?? "received"),
    );
    const notice = NOTICES[c.req.query("fait") ?? ""];
    return page(c, "messages/index", {
      ...messageView,
      threads,
      boxes: messagesService.BOXES,
      current: key in messagesService.BOXES ? key : "recus",
      notice,
    });
  });

  app.get("/messages/nouveau", (c) => newForm(c, {}, {}, 200));
  app.post("/messages/nouveau", messageBodyLimit, async (c) => {
    const form = await readMessageForm(c);
    const result = await inTransaction(c, deps.db, (trx) =>
      messagesService.send(trx, c.get("tenant"), parentOf(c), form),
    );
    if (!result.ok) return newForm(c, form.values, result.errors, result.errors._form ? 429 : 422);
    return seeOther(c, `/messages/${result.threadId}?fait=envoye`);
  });

  app.get("/messages/pieces-jointes/:id", (c) => sendAttachment(deps, c));

  const show = async (
    c: Context<AppEnv>,
    form: { values: Record<string, string>; errors: Record<string, string> },
    status: ContentfulStatusCode = 200,
  ) => {
    const id = uuidParam(c, "id");
    const data = await inTransaction(c, deps.db, (trx) => messagesService.conversation(trx, id));
    const unread = c.get("unread");
    if (unread !== undefined) c.set("unread", Math.max(0, unread - data.opened));
    const notice = NOTICES[c.req.query("fait") ?? ""];
    return page(c, "messages/show", { ...messageView, ...data, ...form, notice, ...filesHint(c) }, status);
  };
  app.get("/messages/:id", (c) => show(c, { values: {}, errors: {} }));
  app.post("/messages/:id/repondre", messageBodyLimit, async (c) => {
    const id = uuidParam(c, "id");
    const form = await readMessageForm(c);
    const result = await inTransaction(c, deps.db, (trx) =>
      messagesService.reply(trx, c.get("tenant"), parentOf(c), id, form),
    );
    if (!result.ok)
      return show(c, { values: form.values, errors: result.errors }, result.errors._form ? 429 : 422);
    return seeOther(c, `/messages/${id}?fait=envoye`);
  });
  for (const [action, deleted] of [
    ["supprimer", true],
    ["restaurer", false],
  ] as const)
    app.post(`/messages/:id/${action}`, async (c) => {
      const id = uuidParam(c, "id");
      await inTransaction(c, deps.db, (trx) => messagesService.setDeleted(trx, id, deleted));
      return seeOther(
        c,
        `/messages?boite=${deleted ? "supprimes" : "recus"}&fait=${deleted ? "supprime" : "restaure"}`,
      );
    });
  return app;
}
