import type { Database } from "../db/database.ts";
import type { Logger } from "../lib/log.ts";
import { recordAuthEvent } from "./events.ts";
import { verifyPassword } from "./password.ts";
import { clear, registerFailure, type ThrottleKey, waitSeconds } from "./throttle.ts";

export interface ReauthDeps {
  db: Database;
  log: Logger;
  tenantId: string;
  ip: string;
}

/**
 * The current password typed again before a sensitive change (password, e-mail, bank
 * details): a stolen session must not become a way to guess it, so wrong answers are
 * throttled like logins. Returns the French message for the field, or null when right.
 */
export async function checkCurrentPassword(
  d: ReauthDeps,
  userId: string,
  digest: string | null,
  password: string,
  wrongMessage: string,
): Promise<string | null> {
  const ctx = { role: "app_auth" as const, tenantId: d.tenantId };
  const keys: ThrottleKey[] = [{ kind: "reauth", value: userId }];
  const wait = await d.db.withTenant(ctx, (trx) => waitSeconds(trx, "login_throttle", keys));
  if (wait > 0) {
    const minutes = Math.max(1, Math.ceil(wait / 60));
    return `Trop d'essais de mot de passe. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.`;
  }
  const ok = await verifyPassword(digest, password);
  await d.db.withTenant(ctx, async (trx) => {
    if (ok) return clear(trx, "login_throttle", keys);
    await registerFailure(trx, "login_throttle", keys);
    await recordAuthEvent(trx, d.log, { tenantId: d.tenantId, userId, event: "reauth_failed", ip: d.ip });
  });
  return ok ? null : wrongMessage;
}
