import { sql } from "kysely";
import type { Database, Trx } from "../db/database.ts";
import { AppError } from "../http/errors.ts";
import { FormError } from "../http/forms.ts";
import { sessionScope } from "../http/scope.ts";
import { queueMail } from "../integrations/mail/outbox.ts";
import type { Logger } from "../lib/log.ts";
import type { Tenant } from "../tenancy/resolve.ts";
import { recordAuthEvent } from "./events.ts";
import { loginField } from "./login.ts";
import { hashPassword, missingRules } from "./password.ts";
import { checkCurrentPassword } from "./reauth.ts";
import { createSession, deleteUserSessions, type SessionUser } from "./sessions.ts";
import { clearAccount } from "./throttle.ts";
import { consumeToken, findLiveToken, issueToken, type Purpose } from "./tokens-repo.ts";

export interface AccountDeps {
  db: Database;
  log: Logger;
  tenant: Tenant;
  origin: string;
  ip: string;
}

export const linkExpired = () =>
  new AppError("gone", 410, "Ce lien n'est plus valable : il a expiré ou a déjà été utilisé.");

const auth = (d: AccountDeps) => ({ role: "app_auth" as const, tenantId: d.tenant.id });
const name = (u: { first_name: string; last_name: string }) => `${u.first_name} ${u.last_name}`;

/** Activation e-mail for an account opened by the town (called inside the caller's transaction). */
export async function sendActivation(
  d: AccountDeps,
  trx: Trx,
  user: { id: string; email: string; first_name: string; last_name: string },
) {
  const token = await issueToken(trx, d.tenant.id, user.id, "activation");
  await queueMail(trx, d.tenant, {
    to: user.email,
    template: "activation",
    data: { name: name(user), link: `${d.origin}/activation/${token}`, days: 7 },
  });
  await recordAuthEvent(trx, d.log, {
    tenantId: d.tenant.id,
    userId: user.id,
    event: "activation_sent",
    ip: d.ip,
  });
}

export async function checkLink(d: AccountDeps, token: string, purpose: Purpose) {
  const row = await d.db.withTenant(auth(d), (trx) => findLiveToken(trx, token, purpose));
  if (!row) throw linkExpired();
  return row;
}

type LinkRow = NonNullable<Awaited<ReturnType<typeof findLiveToken>>>;

/**
 * Spends a link token and sets the account's password in one transaction, then runs
 * `after` in it. A link spent meanwhile (double submit, replay) changes nothing.
 */
async function setPasswordFromLink<T>(
  d: AccountDeps,
  token: string,
  purpose: "activation" | "password_reset",
  password: string,
  after: (trx: Trx, row: LinkRow) => Promise<T>,
): Promise<T> {
  const row = await checkLink(d, token, purpose);
  const digest = await hashPassword(password);
  return d.db.withTenant(auth(d), async (trx) => {
    if (!(await consumeToken(trx, token))) throw linkExpired();
    await trx
      .updateTable("users")
      .set({
        password_hash: digest,
        password_changed_at: sql`now()`,
        must_change_password: false,
        ...(purpose === "activation" ? { email_verified_at: sql`now()` } : {}),
      })
      .where("id", "=", row.user_id)
      .execute();
    return after(trx, row);
  });
}

/**
 * A parent, or a staff member invited to « Équipe », chooses a password from the activation
 * link: the confirmation e-mail fits who it is; returns a session token, the account's kind and
 * whether the session waits for a second factor.
 */
export function activate(
  d: AccountDeps,
  token: string,
  password: string,
): Promise<{ session: string; kind: "parent" | "staff"; secondFactor: boolean }> {
  return setPasswordFromLink(d, token, "activation", password, async (trx, row) => {
    await recordAuthEvent(trx, d.log, {
      tenantId: d.tenant.id,
      userId: row.user_id,
      event: "activated",
      ip: d.ip,
    });
    const kind = row.kind === "staff" ? "staff" : "parent";
    if (row.email) {
      await queueMail(trx, d.tenant, {
        to: row.email,
        template: kind === "staff" ? "staff-activation-done" : "activation-done",
        data: { name: name(row), origin: d.origin },
      });
    }
    // A staff member of a town that requires a second factor enrols it before anything opens.
    const { token, pending } = await createSession(trx, d.tenant.id, row.user_id, false, { ip: d.ip });
    return { session: token, kind, secondFactor: pending };
  });
}

/** « Mot de passe oublié ? »: same outcome for the caller whether or not the account exists. */
export async function requestReset(
  d: AccountDeps,
  kind: "parent" | "staff",
  identifier: string,
): Promise<void> {
  const ident = identifier.trim().toLowerCase();
  await d.db.withTenant(auth(d), async (trx) => {
    const user = await trx
      .selectFrom("users")
      .select(["id", "email", "first_name", "last_name", "disabled_at"])
      .where("kind", "=", kind)
      .where(loginField(d.tenant, kind), "=", ident)
      .executeTakeFirst();
    if (!user?.email || user.disabled_at) return;
    // One e-mail per 2 minutes at most: the form must not become a way to flood a parent.
    const recent = await trx
      .selectFrom("auth_tokens")
      .select("id")
      .where("user_id", "=", user.id)
      .where("purpose", "=", "password_reset")
      .where("created_at", ">", sql<Date>`now() - interval '2 minutes'`)
      .executeTakeFirst();
    if (recent) return;
    const token = await issueToken(trx, d.tenant.id, user.id, "password_reset");
    const path = kind === "staff" ? "/agents/reinitialisation" : "/reinitialisation";
    await queueMail(trx, d.tenant, {
      to: user.email,
      template: "password-reset",
      data: { name: name(user), link: `${d.origin}${path}/${token}` },
    });
    await recordAuthEvent(trx, d.log, {
      tenantId: d.tenant.id,
      userId: user.id,
      event: "password_reset_requested",
      ip: d.ip,
    });
  });
}

/** A password was set: the event is logged and the account's owner told by e-mail. */
async function passwordChanged(
  trx: Trx,
  d: AccountDeps,
  event: "password_reset" | "password_changed",
  who: { userId: string; email: string | null; name: string },
): Promise<void> {
  await recordAuthEvent(trx, d.log, { tenantId: d.tenant.id, userId: who.userId, event, ip: d.ip });
  if (who.email)
    await queueMail(trx, d.tenant, { to: who.email, template: "password-changed", data: { name: who.name } });
}

/** New password from a reset link: every session of the account ends. */
export async function resetPassword(d: AccountDeps, token: string, password: string): Promise<void> {
  await setPasswordFromLink(d, token, "password_reset", password, async (trx, row) => {
    await deleteUserSessions(trx, row.user_id);
    const ident = (loginField(d.tenant, row.kind) === "login" ? row.login : row.email) ?? "";
    await clearAccount(trx, "login_throttle", `${row.kind}:${ident}`);
    await passwordChanged(trx, d, "password_reset", {
      userId: row.user_id,
      email: row.email,
      name: name(row),
    });
  });
}

const own = (d: AccountDeps, s: SessionUser) => sessionScope(d.tenant.id, s);

const reauthOf = (d: AccountDeps) => ({ db: d.db, log: d.log, tenantId: d.tenant.id, ip: d.ip });

/** The password typed to confirm a change, checked (and throttled) like a login; null when right. */
async function wrongPassword(d: AccountDeps, s: SessionUser, typed: string, message: string) {
  const stored = await d.db.withTenant(own(d, s), (trx) =>
    trx.selectFrom("users").select("password_hash").where("id", "=", s.userId).executeTakeFirstOrThrow(),
  );
  return checkCurrentPassword(reauthOf(d), s.userId, stored.password_hash, typed, message);
}

/** Change from « Mon profil »: the current password is asked; the other sessions end. */
export async function changePassword(
  d: AccountDeps,
  s: SessionUser,
  current: string,
  next: string,
): Promise<void> {
  const wrong = await wrongPassword(d, s, current, "Le mot de passe actuel est incorrect.");
  if (wrong) throw FormError.at("current_password", wrong);
  if (current === next)
    throw FormError.at("new_password", "Le nouveau mot de passe doit être différent de l'actuel.");
  const missing = missingRules(next, d.tenant.config.auth.passwordPolicy, [s.email ?? "", s.login ?? ""]);
  if (missing.length) throw FormError.at("new_password", `Il manque : ${missing.join(" ; ")}.`);
  const digest = await hashPassword(next);
  await d.db.withTenant(own(d, s), async (trx) => {
    await trx
      .updateTable("users")
      .set({ password_hash: digest, password_changed_at: sql`now()`, must_change_password: false })
      .where("id", "=", s.userId)
      .execute();
    await deleteUserSessions(trx, s.userId, s.sessionId);
    const who = { userId: s.userId, email: s.email, name: `${s.firstName} ${s.lastName}` };
    await passwordChanged(trx, d, "password_changed", who);
  });
}

/** Change of e-mail: asks the password, then the new address confirms itself by a link. */
export async function requestEmailChange(
  d: AccountDeps,
  s: SessionUser,
  newEmail: string,
  password: string,
): Promise<void> {
  const email = newEmail.trim().toLowerCase();
  if (email === s.email) throw FormError.at("email", "C'est déjà votre adresse e-mail.");
  const wrong = await wrongPassword(d, s, password, "Le mot de passe est incorrect.");
  if (wrong) throw FormError.at("password", wrong);
  await d.db.withTenant(own(d, s), async (trx) => {
    const token = await issueToken(trx, d.tenant.id, s.userId, "email_change", email);
    const who = `${s.firstName} ${s.lastName}`;
    await queueMail(trx, d.tenant, {
      to: email,
      template: "email-confirm",
      data: { name: who, link: `${d.origin}/compte/email/${token}` },
    });
    if (s.email) {
      await queueMail(trx, d.tenant, {
        to: s.email,
        template: "email-change-notice",
        data: { name: who, email },
      });
    }
    await recordAuthEvent(trx, d.log, {
      tenantId: d.tenant.id,
      userId: s.userId,
      event: "email_change_requested",
      ip: d.ip,
    });
  });
}

export async function confirmEmailChange(d: AccountDeps, token: string): Promise<void> {
  const row = await checkLink(d, token, "email_change");
  await d.db.withTenant(auth(d), async (trx) => {
    const taken = await trx
      .selectFrom("users")
      .select("id")
      .where("kind", "=", row.kind)
      .where("email", "=", row.new_email)
      .where("id", "<>", row.user_id)
      .executeTakeFirst();
    if (taken)
      throw new AppError("bad_request", 409, "Cette adresse e-mail est déjà utilisée par un autre compte.");
    if (!(await consumeToken(trx, token))) throw linkExpired();
    await trx
      .updateTable("users")
      .set({ email: row.new_email, email_verified_at: sql`now()` })
      .where("id", "=", row.user_id)
      .execute();
    await recordAuthEvent(trx, d.log, {
      tenantId: d.tenant.id,
      userId: row.user_id,
      event: "email_changed",
      ip: d.ip,
    });
  });
}
