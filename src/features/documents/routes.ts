import { Hono } from "hono";
import type { AppEnv, Deps } from "../../http/types.ts";

export function documentsRoutes(_deps: Deps) {
  return new Hono<AppEnv>();
}
