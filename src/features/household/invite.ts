import { type AccountDeps, sendActivation } from "../../auth/account-service.ts";
import * as parentUsers from "../../auth/parent-users-service.ts";
import { registerFailure, type ThrottleKey, waitSeconds } from "../../auth/throttle.ts";
import { switchPersona, type Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { queueMail } from "../../integrations/mail/outbox.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { recordWrite } from "../audit/service.ts";
import type { Parent } from "./context.ts";
import * as householdRepo from "./repo.ts";

/** « Accès personnel » of a guardian: none, invited (no password yet), or active. */
export type Access = "none" | "invited" | "active";

/** Whether the town opens the other guardian's own login from « Mon foyer ». */
export const invitesAllowed = (tenant: Tenant) => tenant.config.auth.loginWith === "email";

export type InviteResult = { ok: true; email: string } | { ok: false; error: string };

export const TOO_MANY_INVITES =
  "Vous avez envoyé plusieurs invitations en peu de temps. Réessayez plus tard, ou contactez la commune.";

/**
 * The step a parent may not do: as app_auth, in the caller's transaction, a parent account
 * in the household for the guardian's e-mail (no password) and its activation e-mail.
 * An address that already has an account gets a note instead, and the parent the same
 * answer, so « Inviter » never tells which e-mails have an account. A household sends a
 * few invitations a day at most. The parent persona is restored.
 */
async function openAccount(
  d: AccountDeps,
  trx: Trx,
  p: Parent,
  g: { email: string; civility: string | null; first_name: string; last_name: string },
) {
  await switchPersona(trx, { role: "app_auth", tenantId: d.tenant.id });
  const budget: ThrottleKey[] = [{ kind: "invite", value: p.householdId }];
  const limited = (await waitSeconds(trx, "login_throttle", budget)) > 0;
  let user: Awaited<ReturnType<typeof parentUsers.insertParentUser>> | null = null;
  if (!limited) {
    await registerFailure(trx, "login_throttle", budget);
    if (await parentUsers.parentIdentityTaken(trx, "email", g.email)) {
      await queueMail(trx, d.tenant, {
        to: g.email,
        template: "invite-existing",
        data: { origin: d.origin },
      });
    } else {
      user = await parentUsers.insertParentUser(trx, {
        householdId: p.householdId,
        civility: g.civility,
        firstName: g.first_name,
        lastName: g.last_name,
        email: g.email,
      });
      await sendActivation(d, trx, { ...user, email: g.email });
    }
  }
  await switchPersona(trx, p);
  return { limited, user };
}

/**
 * « Inviter à créer son propre accès »: the other guardian gets a login on the same household.
 * The guardian is looked up as the parent (another household's is not found), in the caller's transaction.
 */
export async function invite(d: AccountDeps, trx: Trx, p: Parent, guardianId: string): Promise<InviteResult> {
  if (!invitesAllowed(d.tenant)) throw notFound();
  const g = await householdRepo.guardianById(trx, p.householdId, guardianId);
  if (!g?.email || g.user_id) throw notFound();
  const { limited, user } = await openAccount(d, trx, p, { ...g, email: g.email });
  if (limited) return { ok: false, error: TOO_MANY_INVITES };
  if (!user) return { ok: true, email: g.email };
  await householdRepo.linkUser(trx, g.id, user.id);
  await recordWrite(
    trx,
    d.tenant.id,
    { kind: "parent", userId: p.userId },
    {
      householdId: p.householdId,
      action: "invite",
      entity: "guardians",
      entityId: g.id,
      fields: ["user_id"],
    },
  );
  return { ok: true, email: g.email };
}

/** Reads the guardian's account state as app_auth (a parent may not read another account). */
export async function accessOf(trx: Trx, p: Parent, userId: string | null): Promise<Access> {
  if (!userId) return "none";
  await switchPersona(trx, { role: "app_auth", tenantId: p.tenantId });
  const user = await parentUsers.findParentUser(trx, userId);
  await switchPersona(trx, p);
  // An account is active once its password is chosen (an invited one has none yet).
  return user?.password_hash ? "active" : "invited";
}
