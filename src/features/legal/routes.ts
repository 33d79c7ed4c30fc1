import { Hono } from "hono";
import { page } from "../../http/render.ts";
import type { AppEnv } from "../../http/types.ts";

/** Legal pages of every town's portal (issue 16, item 16), filled from the town's settings. */
const PAGES = {
  "/mentions-legales": "legal/mentions",
  "/donnees-personnelles": "legal/privacy",
  "/accessibilite": "legal/accessibility",
} as const;

export function legalRoutes() {
  const app = new Hono<AppEnv>();
  for (const [path, template] of Object.entries(PAGES)) {
    app.get(path, (c) => page(c, template, {}));
  }
  return app;
}
