import { runProcess } from "./run.ts";

/** A web process: serves requests only (`npm run web`); migrations and jobs run elsewhere. */
await runProcess({ prepare: false, web: true, worker: false });
