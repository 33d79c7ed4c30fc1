import type { OperatorSession } from "../auth/operator-sessions.ts";
import type { SessionUser } from "../auth/sessions.ts";
import type { Database, TenantContext } from "../db/database.ts";
import type { Env } from "../env.ts";
import type { PayfipSettings } from "../integrations/payfip/types.ts";
import type { Logger } from "../lib/log.ts";
import type { Site, SiteResolver, Tenant } from "../tenancy/resolve.ts";

/** What every request is given by the root app before it reaches a site's sub-app. */
export interface Bindings {
  site: Site;
  requestId: string;
  log: Logger;
  ip: string;
}

export interface Variables {
  tenant: Tenant;
  session: SessionUser | null;
  operator: OperatorSession | null;
  /** The caller's database context, set by the guards (src/http/scope.ts). */
  scope?: TenantContext & { userId: string };
  /** The household's unread messages from the town (parents of a town with an inbox). */
  unread?: number;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };

export interface Deps {
  env: Env;
  db: Database;
  sites: SiteResolver;
  log: Logger;
  /** Where online payments go (docs/payfip.md): the State's PayFiP, or the demo's simulator. */
  payfip: PayfipSettings;
  /** The clock every date rule reads (tests fix it). */
  now: () => Date;
  /** The dev mailbox (demo and tests only). */
  mailbox?: import("../integrations/mail/sink.ts").Mailbox;
}
