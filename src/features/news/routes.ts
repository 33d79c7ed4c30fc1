import { type Context, Hono } from "hono";
import { requireParent } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { uuidParam } from "../../http/forms.ts";
import { page } from "../../http/render.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { sendFile } from "../documents/files-service.ts";
import * as newsService from "./service.ts";

const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;

/** « Infos / Documents » for parents, and the images of « Actualités » (public ones for anyone). */
export function newsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/actualites/:id/image", async (c) => {
    const img = await newsService.image(
      deps.db,
      c.get("tenant"),
      c.get("session") ?? null,
      uuidParam(c, "id"),
    );
    return c.body(new Uint8Array(img.content), 200, {
      "Content-Type": img.mime,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=300",
    });
  });

  app.get("/infos", requireParent, async (c) => {
    const data = await newsService.infos(deps.db, c.get("tenant"), session(c));
    return page(c, "news/infos", data);
  });
  app.get("/infos/formulaires/:id", requireParent, async (c) =>
    sendFile(c, await newsService.townForm(deps.db, c.get("tenant"), session(c), uuidParam(c, "id"))),
  );
  app.get("/infos/:id", requireParent, async (c) => {
    const info = await newsService.infoPage(deps.db, c.get("tenant"), session(c), uuidParam(c, "id"));
    return page(c, "news/info-page", { info });
  });
  return app;
}
