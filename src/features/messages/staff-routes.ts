import { type Context, Hono } from "hono";
import { requireStaff } from "../../auth/middleware.ts";
import { uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { broadcastRoutes } from "./broadcast-routes.ts";
import {
  conversationPage,
  inboxOn,
  messageBodyLimit,
  origin,
  readMessageForm,
  sendAttachment,
} from "./pages.ts";
import { STAFF_STATES, staffFilterSchema } from "./schemas.ts";
import * as staffService from "./staff-service.ts";
import { messageView } from "./view.ts";

const NOTICES: Record<string, string> = {
  repondu: "Votre réponse a été envoyée à la famille.",
  attribuer: "Ce message vous est attribué.",
  traite: "Le message est marqué « traité ».",
  a_traiter: "Le message est de nouveau « à traiter ».",
};

/** « Messagerie »: the conversations that match the filters (`?service=&etat=&q=`). */
async function listPage(deps: Deps, c: Context<AppEnv>) {
  const filter = staffFilterSchema.parse(c.req.query());
  const data = await inTransaction(c, deps.db, (trx) => staffService.list(trx, filter));
  const services = c.get("tenant").config.portal.messageServices;
  return page(c, "messages/staff-index", { ...messageView, ...data, filter, services, states: STAFF_STATES });
}

/** A conversation of the town: opening it marks the household's messages read. */
const CONVERSATION = { template: "messages/staff-show", notices: NOTICES, read: staffService.conversation };

/** The town's answer; the household is told by e-mail per its consent. */
async function sendReply(deps: Deps, c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  const form = { ...(await readMessageForm(c)), origin: origin(deps, c) };
  const result = await inTransaction(c, deps.db, (trx) =>
    staffService.reply(trx, c.get("tenant"), callerScope(c).userId, id, form),
  );
  if (!result.ok)
    return conversationPage(deps, c, CONVERSATION, { values: form.values, errors: result.errors }, 422);
  return seeOther(c, `/agents/messages/${id}?fait=repondu`);
}

async function update(deps: Deps, c: Context<AppEnv>, action: "attribuer" | "traite" | "a_traiter") {
  const id = uuidParam(c, "id");
  await inTransaction(c, deps.db, (trx) =>
    staffService.update(trx, c.get("tenant"), callerScope(c).userId, id, action),
  );
  return seeOther(c, `/agents/messages/${id}?fait=${action}`);
}

/** « Messagerie » and « Diffusion » of the back-office. Mounted at /agents. */
export function messagesStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/messages/*", inboxOn, requireStaff);
  app.use("/messages", inboxOn, requireStaff);
  app.use("/diffusion", inboxOn, requireStaff);
  app.get("/messages", (c) => listPage(deps, c));
  app.get("/messages/pieces-jointes/:id", (c) => sendAttachment(deps, c));
  app.get("/messages/:id", (c) => conversationPage(deps, c, CONVERSATION));
  app.post("/messages/:id/repondre", messageBodyLimit, (c) => sendReply(deps, c));
  for (const action of ["attribuer", "traite", "a_traiter"] as const)
    app.post(`/messages/:id/${action}`, (c) => update(deps, c, action));
  app.route("/", broadcastRoutes(deps));
  return app;
}
