import type { AccountDeps } from "../../auth/account-service.ts";
import * as staffAccounts from "../../auth/staff-account-service.ts";
import { issueToken } from "../../auth/tokens-repo.ts";
import type { Trx } from "../../db/database.ts";
import { AppError, notFound } from "../../http/errors.ts";
import { queueMail } from "../../integrations/mail/outbox.ts";
import { type Actor, recordWrite } from "../audit/service.ts";
import * as teamRepo from "./repo.ts";
import type { Invite } from "./schemas.ts";

/** The invitation form, also read by the platform's town staff pages. */
export { inviteSchema } from "./schemas.ts";

/**
 * Staff accounts of one town (« Équipe »), for its admins and for operators. Every function
 * runs in the caller's transaction, already in the town's context as app_staff, and audits
 * the change in the town's audit log (who, what, on whose account).
 */

export const ROLE_LABELS = { admin: "administrateur", agent: "agent" } as const;

/** What the team pages (the town's and the console's) say after a change, by `?fait=`. */
export const DONE_MESSAGES: Record<string, string> = {
  invite: "L'invitation est envoyée.",
  role: "Le rôle est modifié.",
  desactive: "L'accès est désactivé : la personne est déconnectée.",
  reactive: "L'accès est réactivé.",
  renvoye: "L'invitation est renvoyée.",
};

/** An account's access switched off or on: the path's last segment, the new state, its `?fait=`. */
export const ACCESS_SWITCHES = [
  { path: "desactiver", active: false, done: "desactive" },
  { path: "reactiver", active: true, done: "reactive" },
] as const;

export const list = (trx: Trx) => teamRepo.listStaff(trx);
export const history = (trx: Trx) => teamRepo.history(trx);

async function audit(
  trx: Trx,
  d: AccountDeps,
  actor: Actor,
  action: string,
  userId: string,
  fields: string[] = [],
) {
  await recordWrite(trx, d.tenant.id, actor, {
    householdId: null,
    action,
    entity: "staff_user",
    entityId: userId,
    fields,
  });
}

async function sendInvitation(
  trx: Trx,
  d: AccountDeps,
  user: { id: string; first_name: string; last_name: string; email: string | null },
  role: staffAccounts.StaffRole,
) {
  if (!user.email) throw notFound();
  const token = await issueToken(trx, d.tenant.id, user.id, "activation");
  await queueMail(trx, d.tenant, {
    to: user.email,
    template: "staff-invitation",
    data: {
      name: `${user.first_name} ${user.last_name}`,
      role: ROLE_LABELS[role],
      link: `${d.origin}/activation/${token}`,
      days: 7,
    },
  });
}

export type Invited = { ok: true; id: string } | { ok: false; errors: Record<string, string> };

/** A new agent or admin: the account waits for its activation link (7 days). */
export async function invite(trx: Trx, d: AccountDeps, actor: Actor, v: Invite): Promise<Invited> {
  if (await teamRepo.staffEmailTaken(trx, v.email))
    return { ok: false, errors: { email: "Un compte agent utilise déjà cette adresse e-mail." } };
  const user = await staffAccounts.insertStaff(trx, {
    tenantId: d.tenant.id,
    firstName: v.first_name,
    lastName: v.last_name,
    email: v.email,
    role: v.role,
  });
  await sendInvitation(trx, d, user, v.role);
  await audit(trx, d, actor, "staff_invited", user.id, ["email", "role"]);
  return { ok: true, id: user.id };
}

async function other(trx: Trx, actor: Actor, userId: string) {
  const user = await teamRepo.findStaff(trx, userId);
  if (!user) throw notFound();
  if (actor.kind === "staff" && actor.userId === userId)
    throw new AppError(
      "forbidden",
      403,
      "Vous ne pouvez pas modifier votre propre accès : demandez à un autre administrateur.",
    );
  return user;
}

export async function changeRole(
  trx: Trx,
  d: AccountDeps,
  actor: Actor,
  userId: string,
  role: staffAccounts.StaffRole,
) {
  await other(trx, actor, userId);
  await staffAccounts.setStaffRole(trx, userId, role);
  await audit(trx, d, actor, "staff_role_changed", userId, ["role"]);
}

/** Deactivated: signed out everywhere at once, and no way back in until reactivated. */
export async function setActive(trx: Trx, d: AccountDeps, actor: Actor, userId: string, active: boolean) {
  await other(trx, actor, userId);
  await staffAccounts.setStaffDisabled(trx, userId, !active);
  await audit(trx, d, actor, active ? "staff_enabled" : "staff_disabled", userId);
}

/** A new link for an account not activated yet (the old one stops working). */
export async function resend(trx: Trx, d: AccountDeps, actor: Actor, userId: string) {
  const user = await teamRepo.findStaff(trx, userId);
  if (!user || user.password_hash || user.disabled_at || !user.staff_role) throw notFound();
  await sendInvitation(trx, d, user, user.staff_role);
  await audit(trx, d, actor, "staff_invitation_resent", userId);
}
