import { loadEnv } from "./env.ts";
import { createLogger } from "./lib/log.ts";
import { startPlatform } from "./platform.ts";

/**
 * The deployment's migration step (`npm run migrate`): migrations, roles and towns under the
 * preparation lock, then exit. Web processes and workers never change the schema.
 */
const env = loadEnv();
const log = createLogger(env.LOG_LEVEL, env.NODE_ENV === "development");
const platform = await startPlatform(env, log, {
  listen: false,
  parts: { prepare: true, web: false, worker: false },
});
await platform.close();
log.info("database prepared");
