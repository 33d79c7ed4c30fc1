import { Hono } from "hono";
import { requireParent } from "../../auth/middleware.ts";
import { uuidParam } from "../../http/forms.ts";
import { page } from "../../http/render.ts";
import { inTransaction, readerTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { sendFile } from "../documents/files-service.ts";
import * as newsService from "./service.ts";

/** « Infos / Documents » for parents, and the images of « Actualités » (public ones for anyone). */
export function newsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/actualites/:id/image", async (c) => {
    const id = uuidParam(c, "id");
    const img = await readerTransaction(c, deps.db, (trx) => newsService.image(trx, id));
    return c.body(new Uint8Array(img.content), 200, {
      "Content-Type": img.mime,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=300",
    });
  });

  app.get("/infos", requireParent, async (c) => {
    const data = await inTransaction(c, deps.db, (trx) => newsService.infos(trx, c.get("tenant")));
    return page(c, "news/infos", data);
  });
  app.get("/infos/formulaires/:id", requireParent, async (c) => {
    const id = uuidParam(c, "id");
    return sendFile(c, await inTransaction(c, deps.db, (trx) => newsService.townForm(trx, id)));
  });
  app.get("/infos/:id", requireParent, async (c) => {
    const id = uuidParam(c, "id");
    const info = await inTransaction(c, deps.db, (trx) => newsService.infoPage(trx, id));
    return page(c, "news/info-page", { info });
  });
  return app;
}
