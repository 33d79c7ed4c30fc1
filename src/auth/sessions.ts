import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import { required as secondFactorRequired } from "./second-factor.ts";
import { generateToken, hashToken } from "./tokens.ts";

/** Idle (sliding) and absolute lifetimes; « Se souvenir de moi » stretches both. */
export const LIFETIME = {
  short: { idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 },
  remember: { idleMs: 30 * 86_400_000, absoluteMs: 90 * 86_400_000 },
} as const;
const TOUCH_EVERY_MS = 60_000;

export interface SessionUser {
  sessionId: string;
  userId: string;
  kind: "parent" | "staff";
  householdId: string | null;
  staffRole: "admin" | "agent" | null;
  civility: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  login: string | null;
  mustChangePassword: boolean;
  remember: boolean;
  /** The idle clock was just moved on: a remembered cookie is sent again with a fresh Max-Age. */
  renewed: boolean;
  /** The password was right, the second factor is awaited: this session opens nothing yet. */
  secondFactorPending?: boolean;
  /** An operator inside the town's back-office (src/features/support): read-only unless `write`. */
  support?: { operatorName: string; write: boolean; until: string };
}

export function lifetime(remember: boolean) {
  return remember ? LIFETIME.remember : LIFETIME.short;
}

/** Past its absolute end, or idle longer than its lifetime allows (town and operator sessions). */
export function outlived(row: { remember: boolean; expires_at: Date; last_seen_at: Date }, now: number) {
  return row.expires_at.getTime() <= now || row.last_seen_at.getTime() + lifetime(row.remember).idleMs <= now;
}

/**
 * A new token for a user who just proved who they are (never reuse an earlier session). Every
 * path that signs someone in (login, activation…) comes here, so the second factor is decided
 * here once: the account's own, or the town's rule for staff. A pending session opens nothing
 * until /connexion/code accepts a code (or enrols one).
 */
export async function createSession(
  trx: Trx,
  tenantId: string,
  userId: string,
  remember: boolean,
  origin: { userAgent?: string | undefined; ip?: string } = {},
): Promise<{ token: string; pending: boolean }> {
  const token = generateToken();
  const pending = await secondFactorRequired(trx, userId);
  await trx
    .insertInto("sessions")
    .values({
      tenant_id: tenantId,
      id: hashToken(token),
      user_id: userId,
      remember,
      expires_at: new Date(Date.now() + lifetime(remember).absoluteMs),
      device: deviceLabel(origin.userAgent),
      ip_prefix: origin.ip ? ipPrefix(origin.ip) : null,
      second_factor_pending: pending,
    })
    .execute();
  return { token, pending };
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/Firefox\//, "Firefox"],
  [/Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad/, "iPhone ou iPad"],
  [/Windows/, "Windows"],
  [/Mac OS X/, "Mac"],
  [/Linux/, "Linux"],
];
const pick = (list: [RegExp, string][], ua: string, other: string) =>
  list.find(([re]) => re.test(ua))?.[1] ?? other;

/** « Firefox sur Windows »: enough to recognise one's own device, no fingerprint kept. */
export function deviceLabel(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  return `${pick(BROWSERS, userAgent, "Navigateur")} sur ${pick(SYSTEMS, userAgent, "système inconnu")}`;
}

/** The network, not the machine: 203.0.113.x, or the first four groups of an IPv6 address. */
export function ipPrefix(ip: string): string {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return `${ip.split(".").slice(0, 3).join(".")}.x`;
  if (ip.includes(":")) return `${ip.split(":").slice(0, 4).join(":")}::/64`;
  return "inconnu";
}

/** The person's live sessions, the one in use first. */
export function listUserSessions(trx: Trx, userId: string) {
  return trx
    .selectFrom("sessions")
    .select(["id", "device", "ip_prefix", "created_at", "last_seen_at", "expires_at"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", new Date())
    .orderBy("last_seen_at", "desc")
    .execute();
}

/** A session's row with its account's, by the digest of the cookie's token. */
function sessionRow(trx: Trx, id: string) {
  return trx
    .selectFrom("sessions as s")
    .innerJoin("users as u", (j) =>
      j.onRef("u.tenant_id", "=", "s.tenant_id").onRef("u.id", "=", "s.user_id"),
    )
    .select(["s.id", "s.remember", "s.last_seen_at", "s.expires_at", "s.second_factor_pending"])
    .select(["u.id as user_id", "u.kind", "u.household_id", "u.staff_role", "u.civility"])
    .select(["u.first_name", "u.last_name", "u.email", "u.login", "u.must_change_password", "u.disabled_at"])
    .where("s.id", "=", id)
    .executeTakeFirst();
}
type SessionRow = NonNullable<Awaited<ReturnType<typeof sessionRow>>>;

const sessionUser = (id: string, row: SessionRow, renewed: boolean): SessionUser => ({
  sessionId: id,
  userId: row.user_id,
  kind: row.kind,
  householdId: row.household_id,
  staffRole: row.staff_role,
  civility: row.civility,
  firstName: row.first_name,
  lastName: row.last_name,
  email: row.email,
  login: row.login,
  mustChangePassword: row.must_change_password,
  remember: row.remember,
  renewed,
  secondFactorPending: row.second_factor_pending === true,
});

/** The session behind a cookie, or null when unknown, idle too long, expired or disabled. */
export async function validateSession(trx: Trx, token: string): Promise<SessionUser | null> {
  const id = hashToken(token);
  const row = await sessionRow(trx, id);
  if (!row) return null;
  const now = Date.now();
  if (row.disabled_at || outlived(row, now)) {
    await trx.deleteFrom("sessions").where("id", "=", id).execute();
    return null;
  }
  const renewed = now - row.last_seen_at.getTime() > TOUCH_EVERY_MS;
  if (renewed) {
    await trx.updateTable("sessions").set({ last_seen_at: sql`now()` }).where("id", "=", id).execute();
  }
  return sessionUser(id, row, renewed);
}

export async function deleteSession(trx: Trx, sessionId: string): Promise<void> {
  await trx.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

/** Every session of the user, but the one given (kept after a change made in it). */
export async function deleteUserSessions(trx: Trx, userId: string, keep?: string): Promise<void> {
  let q = trx.deleteFrom("sessions").where("user_id", "=", userId);
  if (keep) q = q.where("id", "<>", keep);
  await q.execute();
}
