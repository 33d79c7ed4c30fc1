import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { Database } from "../db/database.ts";
import { sessionScope } from "../http/scope.ts";
import type { Logger } from "../lib/log.ts";
import type { Tenant } from "../tenancy/resolve.ts";
import { recordAuthEvent } from "./events.ts";
import {
  type Account,
  loginOptions,
  type PasskeyOutcome,
  type Site,
  TOWN_ACCOUNTS,
  verifyAnswer,
} from "./passkeys.ts";
import { givePendingFactor, pendingSession } from "./second-factor.ts";
import type { SessionUser } from "./sessions.ts";
import { hashToken } from "./tokens.ts";

/**
 * Passkeys of town accounts (parents, staff): fenced per town and per person, audited in the
 * town's auth events, and after the password settled by `givePendingFactor` like a code. The
 * relying party is the town's own host, so a passkey of one town is useless on another.
 */
type Person = Pick<SessionUser, "kind" | "userId" | "householdId" | "email" | "login" | "sessionId">;
const auth = (tenant: Tenant) => ({ role: "app_auth" as const, tenantId: tenant.id });

/** The signed-in person as a passkey account. */
export function townAccount(tenant: Tenant, s: Person, log: Logger): Account {
  return {
    kind: TOWN_ACCOUNTS,
    id: s.userId,
    sessionId: s.sessionId,
    userName: s.email ?? s.login ?? s.userId,
    rpName: `Parvis ${tenant.config.shortName}`,
    own: sessionScope(tenant.id, s),
    auth: auth(tenant),
    columns: { tenant_id: tenant.id },
    audit: (trx, event, ip) =>
      recordAuthEvent(trx, log, { tenantId: tenant.id, userId: s.userId, event, ip }),
  };
}

/** After the password: the options for `navigator.credentials.get`, or null without passkeys. */
export function townLoginOptions(db: Database, tenant: Tenant, token: string, site: Site) {
  return db.withTenant(auth(tenant), async (trx) => {
    const id = hashToken(token);
    const session = await pendingSession(trx, id);
    return session ? loginOptions(trx, TOWN_ACCOUNTS, session.user_id, id, site) : null;
  });
}

/** The passkey's answer after the password: the session waiting for it opens, or the failure counts. */
export function townComplete(
  db: Database,
  log: Logger,
  tenant: Tenant,
  token: string,
  input: { site: Site; response: AuthenticationResponseJSON; ip: string },
) {
  return db.withTenant(
    auth(tenant),
    (trx): Promise<PasskeyOutcome | null> =>
      givePendingFactor(trx, log, tenant, token, input.ip, "passkey_failed", async (sessionId, ownerId) => {
        const refused = await verifyAnswer(trx, TOWN_ACCOUNTS, { sessionId, ownerId }, input);
        return refused ? { refused } : { accepted: "login" };
      }),
  );
}
