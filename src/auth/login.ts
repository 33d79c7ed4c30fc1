import type { Database } from "../db/database.ts";
import type { Logger } from "../lib/log.ts";
import type { Tenant } from "../tenancy/resolve.ts";
import { recordAuthEvent } from "./events.ts";
import { verifyPassword } from "./password.ts";
import { createSession } from "./sessions.ts";
import { clear, registerFailure, type ThrottleKey, waitSeconds } from "./throttle.ts";

export interface LoginInput {
  kind: "parent" | "staff";
  identifier: string;
  password: string;
  remember: boolean;
  ip: string;
}

export type LoginOutcome =
  | { ok: true; token: string; mustChangePassword: boolean }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; waitSeconds: number };

/** Parents log in by e-mail or by identifiant (town rule); staff always by e-mail. */
export function loginField(tenant: Tenant, kind: "parent" | "staff"): "email" | "login" {
  return kind === "parent" && tenant.config.auth.loginWith === "identifier" ? "login" : "email";
}

export async function login(
  db: Database,
  log: Logger,
  tenant: Tenant,
  input: LoginInput,
): Promise<LoginOutcome> {
  const ident = input.identifier.trim().toLowerCase();
  const keys: ThrottleKey[] = [
    { kind: "acct", value: `${input.kind}:${ident}` },
    { kind: "ip", value: input.ip },
  ];
  const ctx = { role: "app_auth" as const, tenantId: tenant.id };
  const event = { tenantId: tenant.id, ip: input.ip };

  const found = await db.withTenant(ctx, async (trx) => {
    const wait = await waitSeconds(trx, "login_throttle", keys);
    if (wait > 0) {
      await recordAuthEvent(trx, log, { ...event, userId: null, event: "login_throttled" });
      return { wait };
    }
    const user = await trx
      .selectFrom("users")
      .select(["id", "password_hash", "disabled_at", "must_change_password"])
      .where("kind", "=", input.kind)
      .where(loginField(tenant, input.kind), "=", ident)
      .executeTakeFirst();
    return { wait: 0, user };
  });
  if (found.wait > 0) return { ok: false, reason: "throttled", waitSeconds: found.wait };

  const user = found.user;
  const valid =
    (await verifyPassword(user?.password_hash ?? null, input.password)) && !!user && !user.disabled_at;

  return db.withTenant(ctx, async (trx) => {
    if (!valid || !user) {
      await registerFailure(trx, "login_throttle", keys);
      await recordAuthEvent(trx, log, { ...event, userId: user?.id ?? null, event: "login_failed" });
      return { ok: false, reason: "invalid" } as const;
    }
    await clear(trx, "login_throttle", keys[0] as ThrottleKey);
    const token = await createSession(trx, tenant.id, user.id, input.remember);
    await recordAuthEvent(trx, log, { ...event, userId: user.id, event: "login" });
    return { ok: true, token, mustChangePassword: user.must_change_password } as const;
  });
}
