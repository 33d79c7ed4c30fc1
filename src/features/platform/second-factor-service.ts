import { openOperatorSession, pendingOperator } from "../../auth/operator-sessions.ts";
import { clear, registerFailure, waitSeconds } from "../../auth/throttle.ts";
import * as totp from "../../auth/totp.ts";
import type { Database, Trx } from "../../db/database.ts";
import type { Logger } from "../../lib/log.ts";

/**
 * The operators' second factor, mandatory (issue 16): after the password the session waits;
 * an operator without a factor enrols it there (key, first code, recovery codes shown once),
 * one with a factor gives a TOTP or recovery code, throttled per operator like a login.
 */
const AUTH = { role: "app_auth" as const, tenantId: null };

export type Pending = NonNullable<Awaited<ReturnType<typeof pendingOperator>>>;

export function pending(db: Database, token: string) {
  return db.withTenant(AUTH, (trx) => pendingOperator(trx, token));
}

const audit = (trx: Trx, operatorId: string, event: string, ip: string) =>
  trx.insertInto("platform_audit").values({ operator_id: operatorId, event, ip }).execute();

/** The key to add to the authenticator app (created at the first visit, kept until enabled). */
export function enrolment(db: Database, op: Pending) {
  return db.withTenant(AUTH, async (trx) => {
    const row =
      (await trx
        .selectFrom("operator_second_factors")
        .select("totp_key")
        .where("operator_id", "=", op.operatorId)
        .executeTakeFirst()) ??
      (await trx
        .insertInto("operator_second_factors")
        .values({ operator_id: op.operatorId, totp_key: totp.newKey() })
        .returning("totp_key")
        .executeTakeFirstOrThrow());
    return totp.enrolmentView(row.totp_key, "Parvis console", op.email);
  });
}

/** The first right code turns the factor on and opens the session; the codes are shown once. */
export function enrol(db: Database, log: Logger, token: string, op: Pending, code: string, ip: string) {
  return db.withTenant(AUTH, async (trx) => {
    const row = await trx
      .selectFrom("operator_second_factors")
      .select(["totp_key", "enabled_at"])
      .where("operator_id", "=", op.operatorId)
      .executeTakeFirst();
    if (!row || row.enabled_at || !totp.totpAccepts(row.totp_key, code)) return null;
    const { codes, digests } = totp.recoveryCodes();
    await trx
      .updateTable("operator_second_factors")
      .set({ enabled_at: new Date(), recovery_codes: digests })
      .where("operator_id", "=", op.operatorId)
      .execute();
    await openOperatorSession(trx, token);
    await audit(trx, op.operatorId, "second_factor_enabled", ip);
    await audit(trx, op.operatorId, "login", ip);
    log.info({ authEvent: "operator_login", operatorId: op.operatorId }, "auth event");
    return codes;
  });
}

export type CodeOutcome = { ok: true } | { ok: false; waitSeconds: number };

/** The code of an enrolled operator: the session opens, or the failure counts. */
export function verify(db: Database, log: Logger, token: string, op: Pending, code: string, ip: string) {
  return db.withTenant(AUTH, async (trx): Promise<CodeOutcome> => {
    const keys = [{ kind: "otp" as const, value: op.operatorId }];
    const wait = await waitSeconds(trx, "operator_throttle", keys);
    if (wait > 0) return { ok: false, waitSeconds: wait };
    const row = await trx
      .selectFrom("operator_second_factors")
      .selectAll()
      .where("operator_id", "=", op.operatorId)
      .executeTakeFirst();
    const check = totp.checkCode(row, code);
    if (!check) {
      await registerFailure(trx, "operator_throttle", keys);
      await audit(trx, op.operatorId, "second_factor_failed", ip);
      return { ok: false, waitSeconds: 0 };
    }
    if (check.how === "recovery") {
      await trx
        .updateTable("operator_second_factors")
        .set({ recovery_codes: check.left })
        .where("operator_id", "=", op.operatorId)
        .execute();
      await audit(trx, op.operatorId, "second_factor_recovery_used", ip);
    }
    await clear(trx, "operator_throttle", keys);
    await openOperatorSession(trx, token);
    await audit(trx, op.operatorId, "login", ip);
    log.info({ authEvent: "operator_login", operatorId: op.operatorId }, "auth event");
    return { ok: true };
  });
}
