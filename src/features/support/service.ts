import type { OperatorSession } from "../../auth/operator-sessions.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { generateToken, hashToken } from "../../auth/tokens.ts";
import type { Trx } from "../../db/database.ts";
import { parisDateTime } from "../../lib/dates.ts";
import { recordPlatformEvent } from "../platform/console-service.ts";
import * as supportRepo from "./repo.ts";

/**
 * Support access (issue 13 item 5): an operator enters a town's back-office for one hour,
 * read-only unless a reason is given. Every entry and every page viewed goes to the platform
 * audit, which the town's admins read (« Accès du support »).
 */

export const SUPPORT_MS = 3_600_000;
/** Console side (as the operator): the entry and its one-time link token (opened on the town's own host). */
export async function enter(
  trx: Trx,
  op: OperatorSession,
  v: { tenantId: string; write: boolean; reason: string | null; ip: string },
): Promise<string> {
  const token = generateToken();
  await supportRepo.insertEntry(trx, {
    operatorId: op.operatorId,
    operatorName: op.name,
    tenantId: v.tenantId,
    entryToken: hashToken(token),
    write: v.write,
    reason: v.reason,
    expiresAt: new Date(Date.now() + SUPPORT_MS),
  });
  await recordPlatformEvent(trx, op.operatorId, {
    tenantId: v.tenantId,
    event: v.write ? "support_entered_write" : "support_entered",
    ip: v.ip,
    detail: v.reason,
  });
  return token;
}

/** Town side (as a visitor): spends the link; the cookie token of the support session, or null. */
export async function open(trx: Trx, token: string): Promise<string | null> {
  const session = generateToken();
  const opened = await supportRepo.openEntry(trx, hashToken(token), hashToken(session));
  return opened ? session : null;
}

type Entry = NonNullable<Awaited<ReturnType<typeof supportRepo.liveEntry>>>;

/** A live entry as the staff session the support acts with: an admin named after the operator. */
function supportSession(entry: Entry): SessionUser {
  return {
    sessionId: entry.id,
    userId: entry.operator_id,
    kind: "staff",
    householdId: null,
    staffRole: "admin",
    civility: null,
    firstName: "Support",
    lastName: entry.operator_name,
    email: null,
    login: null,
    mustChangePassword: false,
    remember: false,
    renewed: false,
    support: {
      operatorName: entry.operator_name,
      write: entry.write,
      until: parisDateTime(entry.expires_at),
    },
  };
}

/** The support session behind the cookie (as a visitor), as a staff session; the page is audited with it. */
export async function current(
  trx: Trx,
  tenantId: string,
  token: string,
  view: { method: string; path: string; ip: string },
): Promise<SessionUser | null> {
  const entry = await supportRepo.liveEntry(trx, hashToken(token));
  if (!entry) return null;
  await recordPlatformEvent(trx, entry.operator_id, {
    tenantId,
    event: "support_page",
    ip: view.ip,
    detail: `${view.method} ${view.path}`,
  });
  return supportSession(entry);
}

/** « Quitter l'accès du support » (as a visitor): the entry ends, and the platform audit says so. */
export async function end(trx: Trx, tenantId: string, token: string, ip: string): Promise<void> {
  const ended = await supportRepo.endEntry(trx, hashToken(token));
  if (ended)
    await recordPlatformEvent(trx, ended.operator_id, {
      tenantId,
      event: "support_left",
      ip,
      detail: null,
    });
}

/** « Accès du support »: the town's admins read every entry into their town. */
export function history(trx: Trx) {
  return supportRepo.history(trx);
}
