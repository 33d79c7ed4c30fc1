import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { type OperatorSession, pendingOperator } from "../../../auth/operator-sessions.ts";
import { type Account, loginOptions, OPERATORS, type Site, verifyAnswer } from "../../../auth/passkeys.ts";
import { hashToken } from "../../../auth/tokens.ts";
import type { Database } from "../../../db/database.ts";
import type { Logger } from "../../../lib/log.ts";
import { asOperator, recordPlatformEvent } from "../audit.ts";
import { givePending } from "./second-factor-service.ts";

/**
 * Operators' passkeys, next to their mandatory TOTP (issue 16): the console's host is the
 * relying party, events go to the platform audit, and after the password the answer is
 * settled by `givePending` like a code (operator throttle, audit, opening).
 */
const AUTH = { role: "app_auth" as const, tenantId: null };

/** The signed-in operator as a passkey account. */
export function operatorAccount(o: OperatorSession): Account {
  return {
    kind: OPERATORS,
    id: o.operatorId,
    sessionId: o.sessionId,
    userName: o.email,
    rpName: "Parvis console",
    own: asOperator(o),
    auth: AUTH,
    columns: {},
    audit: (trx, event, ip) => recordPlatformEvent(trx, o.operatorId, { event, tenantId: null, ip }),
  };
}

/** After the password: the options for `navigator.credentials.get`, or null without passkeys. */
export function operatorLoginOptions(db: Database, token: string, site: Site) {
  return db.withTenant(AUTH, async (trx) => {
    const op = await pendingOperator(trx, token);
    return op?.enabled_at ? loginOptions(trx, OPERATORS, op.operatorId, hashToken(token), site) : null;
  });
}

/** The passkey's answer after the password: the session opens, or the failure counts. */
export function operatorComplete(
  db: Database,
  log: Logger,
  token: string,
  input: { site: Site; response: AuthenticationResponseJSON; ip: string },
) {
  return db.withTenant(AUTH, async (trx) => {
    const op = await pendingOperator(trx, token);
    if (!op?.enabled_at) return null;
    return givePending(trx, log, { token, op, ip: input.ip }, "passkey_failed", async () => {
      const ids = { sessionId: hashToken(token), ownerId: op.operatorId };
      const refused = await verifyAnswer(trx, OPERATORS, ids, input);
      return refused ? { refused } : { accepted: [] };
    });
  });
}
