import type { Trx } from "../db/database.ts";
import type { Logger } from "../lib/log.ts";

export type AuthEvent =
  | "login"
  | "login_failed"
  | "login_throttled"
  | "logout"
  | "activation_sent"
  | "activated"
  | "password_reset_requested"
  | "password_reset"
  | "password_changed"
  | "email_change_requested"
  | "email_changed"
  | "reauth_failed"
  | "second_factor_enabled"
  | "second_factor_failed"
  | "second_factor_recovery_used"
  | "passkey_added"
  | "passkey_removed"
  | "passkey_failed";

/** Every auth event goes to the town's table and to the log (never with a secret). */
export async function recordAuthEvent(
  trx: Trx,
  log: Logger,
  e: { tenantId: string; userId: string | null; event: AuthEvent; ip: string },
): Promise<void> {
  await trx
    .insertInto("auth_events")
    .values({ tenant_id: e.tenantId, user_id: e.userId, event: e.event, ip: e.ip })
    .execute();
  log.info({ tenantId: e.tenantId, userId: e.userId, authEvent: e.event, ip: e.ip }, "auth event");
}
