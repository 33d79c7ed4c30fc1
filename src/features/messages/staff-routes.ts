import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireStaff } from "../../auth/middleware.ts";
import { publicOrigin } from "../../env.ts";
import { uuidParam, validate } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { AUDIENCES, broadcastSchema } from "./broadcast-schemas.ts";
import * as broadcastService from "./broadcast-service.ts";
import { filesHint, inboxOn, messageBodyLimit, readMessageForm, sendAttachment } from "./routes.ts";
import { STAFF_STATES, staffFilterSchema } from "./schemas.ts";
import * as staffService from "./staff-service.ts";
import { messageView } from "./view.ts";

const NOTICES: Record<string, string> = {
  repondu: "Votre réponse a été envoyée à la famille.",
  attribuer: "Ce message vous est attribué.",
  traite: "Le message est marqué « traité ».",
  a_traiter: "Le message est de nouveau « à traiter ».",
};

/** « Messagerie » and « Diffusion » of the back-office. Mounted at /agents. */
export function messagesStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/messages/*", inboxOn, requireStaff);
  app.use("/messages", inboxOn, requireStaff);
  app.use("/diffusion", inboxOn, requireStaff);
  const origin = (c: Context<AppEnv>) => publicOrigin(deps.env, c.env.site.hostname);

  app.get("/messages", async (c) => {
    const filter = staffFilterSchema.parse(c.req.query());
    const data = await inTransaction(c, deps.db, (trx) => staffService.list(trx, filter));
    const services = c.get("tenant").config.portal.messageServices;
    return page(c, "messages/staff-index", {
      ...messageView,
      ...data,
      filter,
      services,
      states: STAFF_STATES,
    });
  });

  app.get("/messages/pieces-jointes/:id", (c) => sendAttachment(deps, c));

  const show = async (
    c: Context<AppEnv>,
    form: { values: Record<string, string>; errors: Record<string, string> },
    status: ContentfulStatusCode = 200,
  ) => {
    const id = uuidParam(c, "id");
    const data = await inTransaction(c, deps.db, (trx) => staffService.conversation(trx, id));
    const notice = NOTICES[c.req.query("fait") ?? ""];
    return page(
      c,
      "messages/staff-show",
      { ...messageView, ...data, ...form, notice, ...filesHint(c) },
      status,
    );
  };
  app.get("/messages/:id", (c) => show(c, { values: {}, errors: {} }));
  app.post("/messages/:id/repondre", messageBodyLimit, async (c) => {
    const id = uuidParam(c, "id");
    const form = await readMessageForm(c);
    const result = await inTransaction(c, deps.db, (trx) =>
      staffService.reply(trx, c.get("tenant"), callerScope(c).userId, id, { ...form, origin: origin(c) }),
    );
    if (!result.ok) return show(c, { values: form.values, errors: result.errors }, 422);
    return seeOther(c, `/agents/messages/${id}?fait=repondu`);
  });
  for (const action of ["attribuer", "traite", "a_traiter"] as const)
    app.post(`/messages/:id/${action}`, async (c) => {
      const id = uuidParam(c, "id");
      await inTransaction(c, deps.db, (trx) =>
        staffService.update(trx, c.get("tenant"), callerScope(c).userId, id, action),
      );
      return seeOther(c, `/agents/messages/${id}?fait=${action}`);
    });

  const broadcastPage = async (
    c: Context<AppEnv>,
    form: {
      values: Record<string, string>;
      errors: Record<string, string>;
      preview?: { count: number; label: string };
      sent?: number;
    },
    status: ContentfulStatusCode = 200,
  ) => {
    const options = await inTransaction(c, deps.db, (trx) => broadcastService.formOptions(trx));
    const services = c.get("tenant").config.portal.messageServices;
    return page(
      c,
      "messages/broadcast",
      { ...messageView, ...options, ...form, services, audiences: AUDIENCES },
      status,
    );
  };
  app.get("/diffusion", (c) => {
    const sent = Number(c.req.query("envoye"));
    return broadcastPage(c, { values: {}, errors: {}, ...(Number.isInteger(sent) ? { sent } : {}) });
  });
  app.post("/diffusion", async (c) => {
    const { values } = await readMessageForm(c);
    const parsed = validate(broadcastSchema(c.get("tenant").config.portal.messageServices), values);
    if (!parsed.ok) return broadcastPage(c, { values, errors: parsed.errors }, 422);
    if (values.etape !== "envoyer") {
      const preview = await inTransaction(c, deps.db, (trx) => broadcastService.preview(trx, parsed.data));
      return broadcastPage(c, { values, errors: {}, preview });
    }
    const { count } = await inTransaction(c, deps.db, (trx) =>
      broadcastService.send(trx, c.get("tenant"), callerScope(c).userId, parsed.data, origin(c)),
    );
    return seeOther(c, `/agents/diffusion?envoye=${count}`);
  });
  return app;
}
