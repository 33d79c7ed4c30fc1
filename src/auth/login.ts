import type { Database, Trx } from "../db/database.ts";
import type { Logger } from "../lib/log.ts";
import type { Tenant } from "../tenancy/resolve.ts";
import { knownDevice, noticeNewDevice, rememberDevice } from "./devices.ts";
import { recordAuthEvent } from "./events.ts";
import { verifyPassword } from "./password.ts";
import { createSession } from "./sessions.ts";
import { clear, clearedOnSuccess, loginKeys, registerFailure, waitSeconds } from "./throttle.ts";

export interface LoginInput {
  kind: "parent" | "staff";
  identifier: string;
  password: string;
  remember: boolean;
  ip: string;
  /** The device cookie this browser holds, if any. */
  deviceToken?: string | undefined;
  userAgent?: string | undefined;
  /** Where the new-device e-mail sends the owner to end a session they do not recognise. */
  connectionsUrl: string;
}

export type LoginOutcome =
  | {
      ok: true;
      token: string;
      mustChangePassword: boolean;
      deviceToken: string | null;
      /** The session waits for the second factor (/connexion/code). */
      secondFactor: boolean;
    }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; waitSeconds: number };

/** Parents log in by e-mail or by identifiant (town rule); staff always by e-mail. */
export function loginField(tenant: Tenant, kind: "parent" | "staff"): "email" | "login" {
  return kind === "parent" && tenant.config.auth.loginWith === "identifier" ? "login" : "email";
}

type Found = Awaited<ReturnType<typeof lookUp>>;

/** The account the identifier names, the device, and whether this login must wait (throttle). */
async function lookUp(trx: Trx, log: Logger, tenant: Tenant, input: LoginInput, ident: string) {
  const user = await trx
    .selectFrom("users")
    .select([
      "id",
      "email",
      "first_name",
      "last_name",
      "password_hash",
      "disabled_at",
      "must_change_password",
    ])
    .where("kind", "=", input.kind)
    .where(loginField(tenant, input.kind), "=", ident)
    .executeTakeFirst();
  const deviceId = await knownDevice(trx, user?.id, input.deviceToken);
  const keys = loginKeys(`${input.kind}:${ident}`, input.ip, deviceId);
  const wait = await waitSeconds(trx, "login_throttle", keys);
  if (wait > 0)
    await recordAuthEvent(trx, log, {
      tenantId: tenant.id,
      ip: input.ip,
      userId: null,
      event: "login_throttled",
    });
  return { wait, user, deviceId, keys };
}

/** The password checked: a failure counted, or the session opened on this (maybe new) device. */
async function settle(
  trx: Trx,
  log: Logger,
  tenant: Tenant,
  input: LoginInput,
  found: Found,
  valid: boolean,
) {
  const { user, keys } = found;
  const event = { tenantId: tenant.id, ip: input.ip };
  if (!valid || !user) {
    await registerFailure(trx, "login_throttle", keys);
    await recordAuthEvent(trx, log, { ...event, userId: user?.id ?? null, event: "login_failed" });
    return { ok: false, reason: "invalid" } as const;
  }
  await clear(trx, "login_throttle", clearedOnSuccess(keys));
  if (!found.deviceId) {
    const { userAgent, ip, connectionsUrl } = input;
    await noticeNewDevice(trx, tenant, { user, userAgent, ip, connectionsUrl });
  }
  const deviceToken = await rememberDevice(trx, tenant.id, user.id, found.deviceId);
  const origin = { userAgent: input.userAgent, ip: input.ip };
  const { token, pending } = await createSession(trx, tenant.id, user.id, input.remember, origin);
  if (!pending) await recordAuthEvent(trx, log, { ...event, userId: user.id, event: "login" });
  const mustChangePassword = user.must_change_password;
  return { ok: true, token, mustChangePassword, deviceToken, secondFactor: pending } as const;
}

/** The password is hashed between the two transactions, holding no connection. */
export async function login(
  db: Database,
  log: Logger,
  tenant: Tenant,
  input: LoginInput,
): Promise<LoginOutcome> {
  const ident = input.identifier.trim().toLowerCase();
  const ctx = { role: "app_auth" as const, tenantId: tenant.id };
  const found = await db.withTenant(ctx, (trx) => lookUp(trx, log, tenant, input, ident));
  if (found.wait > 0) return { ok: false, reason: "throttled", waitSeconds: found.wait };
  const { user } = found;
  const valid =
    (await verifyPassword(user?.password_hash ?? null, input.password)) && !!user && !user.disabled_at;
  return db.withTenant(ctx, (trx) => settle(trx, log, tenant, input, found, valid));
}
