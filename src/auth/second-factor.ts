import { sql } from "kysely";
import type { Database, Trx } from "../db/database.ts";
import { recordWrite } from "../features/audit/service.ts";
import { sessionScope } from "../http/scope.ts";
import type { Logger } from "../lib/log.ts";
import type { Tenant } from "../tenancy/resolve.ts";
import { type AuthEvent, recordAuthEvent } from "./events.ts";
import type { SessionUser } from "./sessions.ts";
import { clear, registerFailure, type ThrottleKey, waitSeconds } from "./throttle.ts";
import { hashToken } from "./tokens.ts";
import * as totp from "./totp.ts";

/** Second factor for staff, optional for parents (issue 16, item 11): the TOTP of totp.ts. */

/** Who enrols: a signed-in person, or a staff member enrolling at login (town rule). */
type Person = Pick<SessionUser, "kind" | "userId" | "householdId" | "email" | "login">;
/** A code as typed, and the address it came from. */
type CodeInput = { code: string; ip: string };

/** The person's own context: staff, or a parent fenced to their household. */
const ownCtx = (tenant: Tenant, s: Person) => sessionScope(tenant.id, s);

/**
 * Whether the account asks for a second factor after its password (as app_auth): its own, or
 * the town's rule for staff (then one without a factor enrols at /agents/connexion/code). The
 * rule is read from the town's row, the runtime truth shared by every process.
 */
export async function required(trx: Trx, userId: string): Promise<boolean> {
  const row = await trx
    .selectFrom("users as u")
    .innerJoin("tenants as t", "t.id", "u.tenant_id")
    .leftJoin("second_factors as f", (j) =>
      j.onRef("f.tenant_id", "=", "u.tenant_id").onRef("f.user_id", "=", "u.id"),
    )
    .select((eb) => [
      "f.enabled_at",
      eb
        .and([
          eb("u.kind", "=", "staff"),
          sql<boolean>`coalesce((t.config->'auth'->>'staffSecondFactor')::boolean, true)`,
        ])
        .as("townRule"),
    ])
    .where("u.id", "=", userId)
    .executeTakeFirstOrThrow();
  return !!row.townRule || !!row.enabled_at;
}

/** The session of this id while it waits for its second factor (as app_auth). */
const waitingSession = (trx: Trx, id: string) =>
  trx.selectFrom("sessions as s").where("s.id", "=", id).where("s.second_factor_pending", "=", true);

/** The factor is given: the session waiting for it opens. */
const openSession = (trx: Trx, id: string) =>
  trx.updateTable("sessions").set({ second_factor_pending: false }).where("id", "=", id).execute();

/** The person's factor row, read locked and written back (see totp.ts). */
const factorOf = (trx: Trx, userId: string): totp.FactorRow => ({
  locked: () =>
    trx.selectFrom("second_factors").selectAll().where("user_id", "=", userId).forUpdate().executeTakeFirst(),
  update: (set) => trx.updateTable("second_factors").set(set).where("user_id", "=", userId).execute(),
});

/** The person a session awaiting its second factor belongs to, and whether they have one yet. */
export function pendingUser(db: Database, tenant: Tenant, token: string) {
  return db.withTenant({ role: "app_auth", tenantId: tenant.id }, (trx) =>
    waitingSession(trx, hashToken(token))
      .innerJoin("users as u", "u.id", "s.user_id")
      .leftJoin("second_factors as f", "f.user_id", "s.user_id")
      .select((eb) => [
        "u.id as userId",
        "u.kind",
        "u.email",
        "u.login",
        "f.enabled_at",
        eb
          .exists(eb.selectFrom("passkeys as k").select("k.id").whereRef("k.user_id", "=", "s.user_id"))
          .as("passkeys"),
      ])
      .executeTakeFirst(),
  );
}

/** The person's state: enabled, or the key to add to their authenticator app. */
export function enrolment(db: Database, tenant: Tenant, s: Person) {
  return db.withTenant(ownCtx(tenant, s), async (trx) => {
    let row = await trx
      .selectFrom("second_factors")
      .selectAll()
      .where("user_id", "=", s.userId)
      .executeTakeFirst();
    if (row?.enabled_at) return { enabled: true as const, remaining: row.recovery_codes.length };
    if (!row) {
      row = await trx
        .insertInto("second_factors")
        .values({ tenant_id: tenant.id, user_id: s.userId, totp_key: totp.newKey() })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const account = s.email ?? s.login ?? s.userId;
    return totp.enrolmentView(row.totp_key, `Parvis ${tenant.config.shortName}`, account);
  });
}

/** The first right code turns the factor on; the recovery codes are returned once, never stored. */
export function confirm(db: Database, log: Logger, tenant: Tenant, s: Person, { code, ip }: CodeInput) {
  return db.withTenant(ownCtx(tenant, s), async (trx) => {
    const codes = await totp.enable(factorOf(trx, s.userId), code);
    if (!codes) return null;
    await recordAuthEvent(trx, log, {
      tenantId: tenant.id,
      userId: s.userId,
      event: "second_factor_enabled",
      ip,
    });
    return codes;
  });
}

export type CodeOutcome = { ok: true } | { ok: false; waitSeconds: number };

/** How one factor answered: refused (with what to tell the person), or accepted as this event. */
export type FactorVerdict = { refused: string } | { accepted: AuthEvent };

/** The session of this id waiting for its factor (as app_auth), with its person. */
export function pendingSession(trx: Trx, id: string) {
  return waitingSession(trx, id).select("s.user_id").executeTakeFirst();
}

/**
 * The factor after the password, whatever it is (code, recovery code, passkey): throttled per
 * account, audited, and the session waiting for it opens when `verify` accepts. Null when the
 * token names no session waiting for a factor.
 */
export async function givePendingFactor(
  trx: Trx,
  log: Logger,
  tenant: Tenant,
  token: string,
  ip: string,
  failedEvent: AuthEvent,
  verify: (sessionId: string, userId: string) => Promise<FactorVerdict>,
): Promise<{ ok: true } | { ok: false; waitSeconds: number; message: string } | null> {
  const id = hashToken(token);
  const session = await pendingSession(trx, id);
  if (!session) return null;
  const keys: ThrottleKey[] = [{ kind: "otp", value: session.user_id }];
  const wait = await waitSeconds(trx, "login_throttle", keys);
  if (wait > 0) return { ok: false, waitSeconds: wait, message: "" };
  const event = { tenantId: tenant.id, userId: session.user_id, ip };
  const verdict = await verify(id, session.user_id);
  if ("refused" in verdict) {
    await registerFailure(trx, "login_throttle", keys);
    await recordAuthEvent(trx, log, { ...event, event: failedEvent });
    return { ok: false, waitSeconds: 0, message: verdict.refused };
  }
  await clear(trx, "login_throttle", keys);
  await openSession(trx, id);
  await recordAuthEvent(trx, log, { ...event, event: verdict.accepted });
  return { ok: true };
}

/** The code after the password: the session waiting for it opens, or the failure is throttled. */
export function complete(db: Database, log: Logger, tenant: Tenant, token: string, { code, ip }: CodeInput) {
  return db.withTenant(
    { role: "app_auth", tenantId: tenant.id },
    async (trx): Promise<CodeOutcome | null> => {
      const outcome = await givePendingFactor(
        trx,
        log,
        tenant,
        token,
        ip,
        "second_factor_failed",
        async (_, userId) => {
          const how = await totp.spendCode(factorOf(trx, userId), code);
          if (!how) return { refused: "" };
          return { accepted: how === "recovery" ? "second_factor_recovery_used" : "login" };
        },
      );
      return outcome && (outcome.ok ? outcome : { ok: false, waitSeconds: outcome.waitSeconds });
    },
  );
}

/**
 * A staff member without a factor, whose town requires one, enrols right after the password:
 * the first right code turns the factor on and opens the session waiting for it.
 */
export async function enrolAtLogin(
  db: Database,
  log: Logger,
  tenant: Tenant,
  token: string,
  person: Person,
  input: CodeInput,
) {
  const codes = await confirm(db, log, tenant, person, input);
  if (!codes) return null;
  await db.withTenant({ role: "app_auth", tenantId: tenant.id }, async (trx) => {
    await openSession(trx, hashToken(token));
    await recordAuthEvent(trx, log, {
      tenantId: tenant.id,
      userId: person.userId,
      event: "login",
      ip: input.ip,
    });
  });
  return codes;
}

/** Staff members whose factor is on (for a town admin's reset). */
export function enabledStaff(db: Database, tenant: Tenant, s: SessionUser) {
  return db.withTenant(ownCtx(tenant, s), (trx) =>
    trx
      .selectFrom("users as u")
      .select(["u.id", "u.first_name", "u.last_name", "u.email"])
      .where("u.kind", "=", "staff")
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("second_factors as f")
            .select("f.user_id")
            .whereRef("f.user_id", "=", "u.id")
            .where("f.enabled_at", "is not", null),
        ),
      )
      .orderBy("u.last_name")
      .execute(),
  );
}

/** A town admin removes a staff member's factor (lost phone): they enrol again; audited. */
export function reset(db: Database, tenant: Tenant, admin: SessionUser, userId: string) {
  return db.withTenant(ownCtx(tenant, admin), async (trx) => {
    const gone = await trx.deleteFrom("second_factors").where("user_id", "=", userId).executeTakeFirst();
    const keys = await trx.deleteFrom("passkeys").where("user_id", "=", userId).executeTakeFirst();
    if (!Number(gone.numDeletedRows) && !Number(keys.numDeletedRows)) return false;
    await recordWrite(
      trx,
      tenant.id,
      { kind: "staff", userId: admin.userId },
      {
        householdId: null,
        action: "second_factor_reset",
        entity: "users",
        entityId: userId,
        fields: ["second_factors", "passkeys"],
      },
    );
    return true;
  });
}
