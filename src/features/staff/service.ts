import { randomInt } from "node:crypto";
import * as account from "../../auth/account-service.ts";
import * as parentUsers from "../../auth/parent-users-service.ts";
import { hashPassword } from "../../auth/password.ts";
import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import * as opening from "../household/opening-service.ts";
import * as messagesStaffService from "../messages/staff-service.ts";
import * as staffRepo from "./repo.ts";

export async function dashboard(trx: Trx, tenant: Tenant) {
  return {
    counts: await staffRepo.counts(trx),
    parents: await staffRepo.recentParents(trx),
    messages: tenant.config.portal.inbox ? await messagesStaffService.counts(trx) : null,
  };
}

export interface NewFamily {
  household_name: string;
  civility: string;
  first_name: string;
  last_name: string;
  email: string;
  login?: string | undefined;
}

export type NewFamilyResult =
  | { ok: true; number: string; temporaryPassword: string | null; email: string | null }
  | { ok: false; errors: Record<string, string> };

/** A 12-character password for the letter the town posts (Plombières); changed at first login. */
function temporaryPassword(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const body = Array.from({ length: 9 }, () => alphabet[randomInt(alphabet.length)]).join("");
  return `${body}A${randomInt(10)}b`;
}

export type OpenedFamily =
  | { ok: true; number: string; householdId: string; userId: string; temporaryPassword: string | null }
  | { ok: false; errors: Record<string, string> };

/** The message for the e-mail or identifiant another family account already uses, or null. */
async function takenIdentity(
  trx: Trx,
  email: string | null,
  login: string | null,
): Promise<Record<string, string> | null> {
  if (email && (await parentUsers.parentIdentityTaken(trx, "email", email)))
    return { email: "Un compte famille utilise déjà cette adresse e-mail." };
  if (login && (await parentUsers.parentIdentityTaken(trx, "login", login)))
    return { login: "Cet identifiant est déjà attribué." };
  return null;
}

/** The household with the next « N° Famille », its first parent account, and that parent as « Moi ». */
async function insertFamily(
  d: account.AccountDeps,
  trx: Trx,
  v: NewFamily,
  access: { email: string | null; login: string | null; temp: string | null },
) {
  const { email, login, temp } = access;
  const tenantId = d.tenant.id;
  const number = await opening.nextHouseholdNumber(trx);
  const household = await opening.insertHousehold(trx, tenantId, number, v.household_name);
  const person = { civility: v.civility, firstName: v.first_name, lastName: v.last_name.toUpperCase() };
  const user = await parentUsers.insertParentUser(trx, {
    tenantId,
    householdId: household.id,
    ...person,
    email,
    login,
    passwordHash: temp ? await hashPassword(temp) : null,
    mustChange: temp !== null && d.tenant.config.auth.forcePasswordChangeAtFirstLogin,
  });
  await opening.insertFirstGuardian(trx, {
    tenantId,
    householdId: household.id,
    userId: user.id,
    ...person,
    email,
  });
  return { household, user };
}

/**
 * Opens a household and its first parent account inside the caller's transaction: by
 * activation e-mail, or by a temporary password handed out on paper, as the town's rules say.
 * Nothing is written when the e-mail or identifiant is already taken.
 */
export async function openFamily(d: account.AccountDeps, trx: Trx, v: NewFamily): Promise<OpenedFamily> {
  const cfg = d.tenant.config.auth;
  const email = v.email ? v.email.toLowerCase() : null;
  const login = cfg.loginWith === "identifier" && v.login ? v.login.toLowerCase() : null;
  await opening.lockFamilyOpening(trx);
  const taken = await takenIdentity(trx, email, login);
  if (taken) return { ok: false, errors: taken };
  const temp = cfg.accountOpening === "letter" ? temporaryPassword() : null;
  const { household, user } = await insertFamily(d, trx, v, { email, login, temp });
  if (!temp && user.email) await account.sendActivation(d, trx, { ...user, email: user.email });
  return {
    ok: true,
    number: household.number,
    householdId: household.id,
    userId: user.id,
    temporaryPassword: temp,
  };
}

/** The first free identifiant from a base (« jdupont », then « jdupont2 »…). */
export async function freeLogin(trx: Trx, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}${n}`;
    if (!(await parentUsers.parentIdentityTaken(trx, "login", candidate))) return candidate;
  }
}

export async function createFamily(d: account.AccountDeps, trx: Trx, v: NewFamily): Promise<NewFamilyResult> {
  const opened = await openFamily(d, trx, v);
  if (!opened.ok) return opened;
  const email = v.email ? v.email.toLowerCase() : null;
  return { ok: true, number: opened.number, temporaryPassword: opened.temporaryPassword, email };
}

export async function resendActivation(d: account.AccountDeps, trx: Trx, userId: string): Promise<void> {
  const user = await parentUsers.findParentUser(trx, userId);
  if (!user?.email || user.password_hash) throw notFound();
  await account.sendActivation(d, trx, { ...user, email: user.email });
}
