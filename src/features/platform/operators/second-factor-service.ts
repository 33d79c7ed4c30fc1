import {
  type OperatorSession,
  openOperatorSession,
  pendingOperator,
} from "../../../auth/operator-sessions.ts";
import { clear, registerFailure, waitSeconds } from "../../../auth/throttle.ts";
import * as totp from "../../../auth/totp.ts";
import type { Database, Trx } from "../../../db/database.ts";
import type { Logger } from "../../../lib/log.ts";
import { asOperator, recordPlatformEvent } from "../audit.ts";

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
  recordPlatformEvent(trx, operatorId, { event, ip });

/** The operator's factor row, read locked and written back (see totp.ts). */
const factorOf = (trx: Trx, operatorId: string): totp.FactorRow => ({
  locked: () =>
    trx
      .selectFrom("operator_second_factors")
      .selectAll()
      .where("operator_id", "=", operatorId)
      .forUpdate()
      .executeTakeFirst(),
  update: (set) =>
    trx.updateTable("operator_second_factors").set(set).where("operator_id", "=", operatorId).execute(),
});

/** The signed-in operator's factor, for « Double authentification »: the recovery codes left. */
export function factorState(db: Database, o: OperatorSession) {
  return db.withTenant(asOperator(o), async (trx) => {
    const row = await trx
      .selectFrom("operator_second_factors")
      .select("recovery_codes")
      .where("operator_id", "=", o.operatorId)
      .executeTakeFirst();
    return { enabled: true as const, remaining: row?.recovery_codes.length ?? 0 };
  });
}

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
    const codes = await totp.enable(factorOf(trx, op.operatorId), code);
    if (!codes) return null;
    await openOperatorSession(trx, token);
    await audit(trx, op.operatorId, "second_factor_enabled", ip);
    await audit(trx, op.operatorId, "login", ip);
    log.info({ authEvent: "operator_login", operatorId: op.operatorId }, "auth event");
    return codes;
  });
}

export type Outcome = { ok: true } | { ok: false; waitSeconds: number; message: string };

/** How one factor answered: refused (what to tell the operator), or accepted (events to audit first). */
export type Verdict = { refused: string } | { accepted: string[] };

/**
 * The factor after the password, whatever it is (code, recovery code, passkey): throttled per
 * operator, audited, and the session opens when `check` accepts.
 */
export async function givePending(
  trx: Trx,
  log: Logger,
  p: { token: string; op: Pending; ip: string },
  failedEvent: string,
  check: () => Promise<Verdict>,
): Promise<Outcome> {
  const { operatorId } = p.op;
  const keys = [{ kind: "otp" as const, value: operatorId }];
  const wait = await waitSeconds(trx, "operator_throttle", keys);
  if (wait > 0) return { ok: false, waitSeconds: wait, message: "" };
  const verdict = await check();
  if ("refused" in verdict) {
    await registerFailure(trx, "operator_throttle", keys);
    await audit(trx, operatorId, failedEvent, p.ip);
    return { ok: false, waitSeconds: 0, message: verdict.refused };
  }
  for (const event of verdict.accepted) await audit(trx, operatorId, event, p.ip);
  await clear(trx, "operator_throttle", keys);
  await openOperatorSession(trx, p.token);
  await audit(trx, operatorId, "login", p.ip);
  log.info({ authEvent: "operator_login", operatorId }, "auth event");
  return { ok: true };
}

/** A TOTP code not used yet, or a recovery code (then spent): the session opens, or the failure counts. */
export function verify(db: Database, log: Logger, token: string, op: Pending, code: string, ip: string) {
  return db.withTenant(AUTH, (trx) =>
    givePending(trx, log, { token, op, ip }, "second_factor_failed", async () => {
      const how = await totp.spendCode(factorOf(trx, op.operatorId), code);
      if (!how) return { refused: "" };
      return { accepted: how === "recovery" ? ["second_factor_recovery_used"] : [] };
    }),
  );
}
