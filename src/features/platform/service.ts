import { createOperatorSession, type OperatorSession } from "../../auth/operator-sessions.ts";
import { verifyPassword } from "../../auth/password.ts";
import { endOperatorSession } from "../../auth/session-end-service.ts";
import { clear, clearedOnSuccess, loginKeys, registerFailure, waitSeconds } from "../../auth/throttle.ts";
import type { Database } from "../../db/database.ts";
import type { Logger } from "../../lib/log.ts";
import { asOperator, recordPlatformEvent } from "./audit.ts";

const AUTH = { role: "app_auth" as const, tenantId: null };

export type OperatorLogin = { ok: true; token: string } | { ok: false; waitSeconds: number };

export async function login(
  db: Database,
  log: Logger,
  input: { email: string; password: string; remember: boolean; ip: string },
): Promise<OperatorLogin> {
  const email = input.email.trim().toLowerCase();
  const keys = loginKeys(email, input.ip, null);
  const found = await db.withTenant(AUTH, async (trx) => ({
    wait: await waitSeconds(trx, "operator_throttle", keys),
    op: await trx
      .selectFrom("operators")
      .select(["id", "password_hash"])
      .where("email", "=", email)
      .executeTakeFirst(),
  }));
  if (found.wait > 0) return { ok: false, waitSeconds: found.wait };
  const valid = await verifyPassword(found.op?.password_hash ?? null, input.password);
  return db.withTenant(AUTH, async (trx) => {
    const audit = (event: string) => recordPlatformEvent(trx, found.op?.id ?? null, { event, ip: input.ip });
    if (!valid || !found.op) {
      await registerFailure(trx, "operator_throttle", keys);
      await audit("login_failed");
      log.warn({ authEvent: "operator_login_failed", ip: input.ip }, "auth event");
      return { ok: false, waitSeconds: 0 } as const;
    }
    await clear(trx, "operator_throttle", clearedOnSuccess(keys));
    // The session waits for the second factor (second-factor-service.ts), which audits the login.
    await audit("password_accepted");
    return { ok: true, token: await createOperatorSession(trx, found.op.id, input.remember) } as const;
  });
}

export function logout(db: Database, o: OperatorSession, ip: string) {
  return db.withTenant(asOperator(o), async (trx) => {
    await endOperatorSession(trx, o.sessionId);
    await recordPlatformEvent(trx, o.operatorId, { event: "logout", ip });
  });
}

export function listTowns(db: Database, o: OperatorSession) {
  return db.withTenant(asOperator(o), (trx) =>
    trx
      .selectFrom("tenants")
      .select(["id", "slug", "name", "status", "hostnames", "updated_at"])
      .orderBy("name")
      .execute(),
  );
}
