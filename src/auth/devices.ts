import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import type { AppEnv } from "../http/types.ts";
import { generateToken, hashToken } from "./tokens.ts";

/**
 * `__Host-parvis-device`: a random token given by a successful login and kept a year. Only
 * its digest is stored, tied to the account: it proves this browser logged in there before.
 */
const COOKIE = "parvis-device";
const YEAR_S = 365 * 86_400;

export const readDeviceCookie = (c: Context<AppEnv>) => getCookie(c, COOKIE, "host");

export function setDeviceCookie(c: Context<AppEnv>, token: string) {
  setCookie(c, COOKIE, token, {
    prefix: "host",
    path: "/",
    secure: true,
    httpOnly: true,
    sameSite: "Lax",
    maxAge: YEAR_S,
  });
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
