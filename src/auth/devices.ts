import type { Context } from "hono";
import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import { readHostCookie, setHostCookie } from "../http/cookies.ts";
import type { AppEnv } from "../http/types.ts";
import { queueMail } from "../integrations/mail/outbox.ts";
import { parisDateTime } from "../lib/dates.ts";
import type { Tenant } from "../tenancy/resolve.ts";
import { deviceLabel, ipPrefix } from "./sessions.ts";
import { generateToken, hashToken } from "./tokens.ts";

/**
 * `__Host-parvis-device`: a random token given by a successful login and kept a year. Only
 * its digest is stored, tied to the account: it proves this browser logged in there before.
 */
const COOKIE = "parvis-device";
const YEAR_S = 365 * 86_400;

export const readDeviceCookie = (c: Context<AppEnv>) => readHostCookie(c, COOKIE);

export function setDeviceCookie(c: Context<AppEnv>, token: string) {
  setHostCookie(c, COOKIE, token, { maxAgeS: YEAR_S });
}

/** The device's id when the token is one this account was given, else null. */
export async function knownDevice(trx: Trx, userId: string | undefined, token: string | undefined) {
  if (!userId || !token || token.length > 64) return null;
  const row = await trx
    .selectFrom("known_devices")
    .select("id")
    .where("id", "=", hashToken(token))
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** After a successful login: the known device is touched, or a new one is remembered (token returned). */
export async function rememberDevice(
  trx: Trx,
  tenantId: string,
  userId: string,
  deviceId: string | null,
): Promise<string | null> {
  if (deviceId) {
    await trx
      .updateTable("known_devices")
      .set({ last_seen_at: sql`now()` })
      .where("id", "=", deviceId)
      .execute();
    return null;
  }
  const token = generateToken();
  await trx
    .insertInto("known_devices")
    .values({ tenant_id: tenantId, id: hashToken(token), user_id: userId })
    .execute();
  return token;
}

export interface NewDeviceLogin {
  user: { id: string; email: string | null; first_name: string; last_name: string };
  userAgent: string | undefined;
  ip: string;
  /** « Mes connexions » of this audience, absolute (the e-mail leaves the site). */
  connectionsUrl: string;
}

/**
 * A login from a browser this account has not seen, on a network it never logged in from:
 * the owner is told by e-mail (device, time, network) with the way to end it. Not for the
 * account's first login (the owner finishing their activation), nor for a new browser on the
 * family's usual network, so that the notice stays worth reading.
 */
export async function noticeNewDevice(trx: Trx, tenant: Tenant, login: NewDeviceLogin) {
  if (!login.user.email) return;
  const logins = await trx
    .selectFrom("auth_events")
    .select("ip")
    .distinct()
    .where("user_id", "=", login.user.id)
    .where("event", "=", "login")
    .limit(500)
    .execute();
  const device = await trx
    .selectFrom("known_devices")
    .select("id")
    .where("user_id", "=", login.user.id)
    .limit(1)
    .executeTakeFirst();
  if (!logins.length && !device) return;
  const network = ipPrefix(login.ip);
  if (logins.some((l) => l.ip && ipPrefix(l.ip) === network)) return;
  await queueMail(trx, tenant, {
    to: login.user.email,
    template: "new-device",
    data: {
      name: `${login.user.first_name} ${login.user.last_name}`,
      device: deviceLabel(login.userAgent) ?? "Appareil inconnu",
      at: parisDateTime(new Date()),
      network,
      link: login.connectionsUrl,
    },
  });
}
