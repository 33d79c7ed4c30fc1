import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { validate } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { AUDIENCES, broadcastSchema } from "./broadcast-schemas.ts";
import * as broadcastService from "./broadcast-service.ts";
import { type MessageForm, origin, readMessageForm } from "./pages.ts";
import { messageView } from "./view.ts";

type BroadcastForm = MessageForm & { preview?: { count: number; label: string }; sent?: number };

async function broadcastPage(
  deps: Deps,
  c: Context<AppEnv>,
  form: BroadcastForm,
  status: ContentfulStatusCode = 200,
) {
  const options = await inTransaction(c, deps.db, (trx) => broadcastService.formOptions(trx));
  const services = c.get("tenant").config.portal.messageServices;
  return page(
    c,
    "messages/broadcast",
    { ...messageView, ...options, ...form, services, audiences: AUDIENCES },
    status,
  );
}

/** « Aperçu » counts the households first (`etape` other than « envoyer »); « Envoyer » sends. */
async function postBroadcast(deps: Deps, c: Context<AppEnv>) {
  const { values } = await readMessageForm(c);
  const parsed = validate(broadcastSchema(c.get("tenant").config.portal.messageServices), values);
  if (!parsed.ok) return broadcastPage(deps, c, { values, errors: parsed.errors }, 422);
  if (values.etape !== "envoyer") {
    const preview = await inTransaction(c, deps.db, (trx) => broadcastService.preview(trx, parsed.data));
    return broadcastPage(deps, c, { values, errors: {}, preview });
  }
  const { count } = await inTransaction(c, deps.db, (trx) =>
    broadcastService.send(trx, c.get("tenant"), callerScope(c).userId, parsed.data, origin(deps, c)),
  );
  return seeOther(c, `/agents/diffusion?envoye=${count}`);
}

/** « Diffusion »: one message to every household of an audience. Mounted by messagesStaffRoutes. */
export function broadcastRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/diffusion", (c) => {
    const sent = Number(c.req.query("envoye"));
    return broadcastPage(deps, c, { values: {}, errors: {}, ...(Number.isInteger(sent) ? { sent } : {}) });
  });
  app.post("/diffusion", (c) => postBroadcast(deps, c));
  return app;
}
