import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent, type SessionExtra } from "../../auth/middleware.ts";
import { uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerHousehold, callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import {
  type ConversationPlace,
  conversationPage,
  filesHint,
  inboxOn,
  type MessageForm,
  messageBodyLimit,
  readMessageForm,
  sendAttachment,
} from "./pages.ts";
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

/** « vous avez 1 Nouveau(x) Message(s) » on a parent's pages, read in the session's transaction (app.ts). */
export const unreadCount: SessionExtra = {
  wanted: (c, s) =>
    c.req.method === "GET" && s.kind === "parent" && !!s.householdId && c.get("tenant").config.portal.inbox,
  run: async (trx, c, s) => c.set("unread", await messagesService.unreadIn(trx, s.householdId as string)),
};

function newForm(c: Context<AppEnv>, form: MessageForm, status: ContentfulStatusCode = 200) {
  const services = c.get("tenant").config.portal.messageServices;
  return page(c, "messages/new", { ...form, services, ...filesHint(c) }, status);
}

/** « Reçus », « Envoyés » or « Supprimés » (`?boite=`), « Reçus » for anything else. */
async function inboxPage(deps: Deps, c: Context<AppEnv>) {
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
}

async function sendNew(deps: Deps, c: Context<AppEnv>) {
  const form = await readMessageForm(c);
  const result = await inTransaction(c, deps.db, (trx) =>
    messagesService.send(trx, c.get("tenant"), parentOf(c), form),
  );
  if (!result.ok)
    return newForm(c, { values: form.values, errors: result.errors }, result.errors._form ? 429 : 422);
  return seeOther(c, `/messages/${result.threadId}?fait=envoye`);
}

/** A household's conversation: opening it lowers the header's unread count by what it marked read. */
const CONVERSATION: ConversationPlace<Awaited<ReturnType<typeof messagesService.conversation>>> = {
  template: "messages/show",
  notices: NOTICES,
  read: messagesService.conversation,
  shown: (c, data) => {
    const unread = c.get("unread");
    if (unread !== undefined) c.set("unread", Math.max(0, unread - data.opened));
  },
};

async function sendReply(deps: Deps, c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  const form = await readMessageForm(c);
  const result = await inTransaction(c, deps.db, (trx) =>
    messagesService.reply(trx, c.get("tenant"), parentOf(c), id, form),
  );
  if (!result.ok)
    return conversationPage(
      deps,
      c,
      CONVERSATION,
      { values: form.values, errors: result.errors },
      result.errors._form ? 429 : 422,
    );
  return seeOther(c, `/messages/${id}?fait=envoye`);
}

/** « Supprimer » (to « Supprimés ») or « Restaurer » (back to « Reçus »). */
async function setDeleted(deps: Deps, c: Context<AppEnv>, deleted: boolean) {
  const id = uuidParam(c, "id");
  await inTransaction(c, deps.db, (trx) => messagesService.setDeleted(trx, id, deleted));
  const done = deleted ? "boite=supprimes&fait=supprime" : "boite=recus&fait=restaure";
  return seeOther(c, `/messages?${done}`);
}

/** « Boîte de réception »: Reçus, Envoyés, Supprimés, conversations, « Nouveau message ». */
export function messagesRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/messages/*", inboxOn, requireParent);
  app.use("/messages", inboxOn, requireParent);
  app.get("/messages", (c) => inboxPage(deps, c));
  app.get("/messages/nouveau", (c) => newForm(c, { values: {}, errors: {} }));
  app.post("/messages/nouveau", messageBodyLimit, (c) => sendNew(deps, c));
  app.get("/messages/pieces-jointes/:id", (c) => sendAttachment(deps, c));
  app.get("/messages/:id", (c) => conversationPage(deps, c, CONVERSATION));
  app.post("/messages/:id/repondre", messageBodyLimit, (c) => sendReply(deps, c));
  app.post("/messages/:id/supprimer", (c) => setDeleted(deps, c, true));
  app.post("/messages/:id/restaurer", (c) => setDeleted(deps, c, false));
  return app;
}
