import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireStaff } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { publicOrigin } from "../../env.ts";
import { uuidParam, validate } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { sendFile } from "../documents/files-service.ts";
import { AUDIENCES, broadcastSchema } from "./broadcast-schemas.ts";
import * as broadcastService from "./broadcast-service.ts";
import { filesHint, inboxOn, messageBodyLimit, readMessageForm } from "./routes.ts";
import { STAFF_STATES, staffFilterSchema } from "./schemas.ts";
import * as messagesService from "./service.ts";
import * as staffService from "./staff-service.ts";
import { messageView } from "./view.ts";

const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;
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
    const data = await staffService.list(deps.db, c.get("tenant"), session(c), filter);
    const services = c.get("tenant").config.portal.messageServices;
    return page(c, "messages/staff-index", {
      ...messageView,
      ...data,
      filter,
      services,
      states: STAFF_STATES,
    });
  });

  app.get("/messages/pieces-jointes/:id", async (c) =>
    sendFile(c, await messagesService.attachment(deps.db, c.get("tenant"), session(c), uuidParam(c, "id"))),
  );

  const show = async (
    c: Context<AppEnv>,
    form: { values: Record<string, string>; errors: Record<string, string> },
    status: ContentfulStatusCode = 200,
  ) => {
    const data = await staffService.conversation(deps.db, c.get("tenant"), session(c), uuidParam(c, "id"));
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
    const result = await staffService.reply(deps.db, c.get("tenant"), session(c), id, {
      ...form,
      origin: origin(c),
    });
    if (!result.ok) return show(c, { values: form.values, errors: result.errors }, 422);
    return seeOther(c, `/agents/messages/${id}?fait=repondu`);
  });
  for (const action of ["attribuer", "traite", "a_traiter"] as const)
    app.post(`/messages/:id/${action}`, async (c) => {
      const id = uuidParam(c, "id");
      await staffService.update(deps.db, c.get("tenant"), session(c), id, action);
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
    const options = await broadcastService.formOptions(deps.db, c.get("tenant"), session(c));
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
      const preview = await broadcastService.preview(deps.db, c.get("tenant"), session(c), parsed.data);
      return broadcastPage(c, { values, errors: {}, preview });
    }
    const { count } = await broadcastService.send(
      deps.db,
      c.get("tenant"),
      session(c),
      parsed.data,
      origin(c),
    );
    return seeOther(c, `/agents/diffusion?envoye=${count}`);
  });
  return app;
}
