import { runProcess } from "./run.ts";

/** The job worker alone (`npm run worker`): e-mails, payment checks, basket expiry, waiting lists. */
await runProcess({ prepare: false, web: false, worker: true });
