import type { AccountDeps } from "../../auth/account-service.ts";
import { registerFailure, waitSeconds } from "../../auth/throttle.ts";
import type { Trx } from "../../db/database.ts";
import { AppError, notFound } from "../../http/errors.ts";
import { queueMail } from "../../integrations/mail/outbox.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { type ChangeContext, submitChange } from "../requests/service.ts";
import * as staffService from "../staff/service.ts";
import * as repo from "./repo.ts";
import type { PreregistrationInput } from "./schemas.ts";

const fullName = (v: { first_name: string; last_name: string }) => `${v.first_name} ${v.last_name}`;

/**
 * Abuse guard of the public form, kept simple: each form sent from an address counts as a
 * « failure » of the login throttle under its own key, so after 5 forms in a day the next
 * ones from that address wait 30 s, then twice as long each time (src/auth/throttle.ts).
 */
const throttleKey = (ip: string) => ({ kind: "prereg" as const, value: ip });

/** Stores a new family's form and confirms receipt; `wait` > 0 when the address must wait. */
export async function submit(
  trx: Trx,
  tenant: Tenant,
  ip: string,
  v: PreregistrationInput,
): Promise<{ wait: number }> {
  const key = throttleKey(ip);
  const wait = await waitSeconds(trx, "login_throttle", [key]);
  if (wait > 0) return { wait };
  await registerFailure(trx, "login_throttle", [key]);
  await repo.insertPreregistration(trx, tenant.id, v);
  await queueMail(trx, tenant, {
    to: v.email,
    template: "preregistration-received",
    data: { name: fullName(v), children: v.children.map((ch) => ch.first_name).join(", ") },
  });
  return { wait: 0 };
}

/** A robot filled the honeypot: it still counts against its address, nothing else is kept. */
export async function countRobot(trx: Trx, ip: string): Promise<void> {
  await registerFailure(trx, "login_throttle", [throttleKey(ip)]);
}

export function pending(trx: Trx) {
  return repo.listPending(trx);
}

export async function detail(trx: Trx, id: string) {
  const row = await repo.find(trx, id);
  if (!row) throw notFound();
  return row;
}

const alreadyDecided = () => new AppError("gone", 410, "Cette préinscription a déjà été traitée.");

async function findPending(trx: Trx, id: string) {
  const row = await detail(trx, id);
  if (row.status !== "pending") throw alreadyDecided();
  return row;
}

/** « jdupont » from Jean Dupont: letters and digits only, accents dropped. */
export function loginBase(firstName: string, lastName: string): string {
  const plain = (s: string) =>
    s
      .normalize("NFD")
      .replace(/[^A-Za-z0-9]/g, "")
      .toLowerCase();
  return `${plain(firstName).slice(0, 1)}${plain(lastName)}`.slice(0, 40) || "famille";
}

export type Acceptance =
  | {
      ok: true;
      number: string;
      householdName: string;
      login: string | null;
      temporaryPassword: string | null;
    }
  | { ok: false; errors: Record<string, string> };

/** The rest of the file, written as staff changes (applied at once and audited). */
async function fillFile(trx: Trx, ctx: ChangeContext, row: repo.PreregistrationRow) {
  const address = { address_line: row.address_line, postal_code: row.postal_code, city: row.city };
  await submitChange(trx, ctx, "responsable", null, { ...address, phone_mobile: row.phone });
  await submitChange(trx, ctx, "coordonnees", null, { ...address, phone_main: row.phone });
  if (row.other_last_name && row.other_first_name) {
    await submitChange(trx, ctx, "conjoint", null, {
      last_name: row.other_last_name,
      first_name: row.other_first_name,
      phone_mobile: row.other_phone,
    });
  }
  for (const child of row.children) await submitChange(trx, ctx, "ajout_enfant", null, { ...child });
}

/** The household, its first guardian and account, from the form (nothing when the e-mail is taken). */
async function openHousehold(trx: Trx, d: AccountDeps, row: repo.PreregistrationRow) {
  const letter = d.tenant.config.auth.loginWith === "identifier";
  const householdName = row.other_last_name ? `Famille ${row.last_name}` : `${row.civility} ${row.last_name}`;
  const login = letter ? await staffService.freeLogin(trx, loginBase(row.first_name, row.last_name)) : null;
  const opened = await staffService.openFamily(d, trx, {
    household_name: householdName,
    civility: row.civility,
    first_name: row.first_name,
    last_name: row.last_name,
    email: row.email,
    login: login ?? undefined,
  });
  return { opened, householdName, login };
}

/**
 * « Accepter », in the caller's transaction: the household (next N° Famille), its first guardian
 * and account (activation e-mail, or identifiant and temporary password for a letter), the other
 * guardian, the children. An e-mail already used by a parent account creates nothing.
 */
export async function accept(trx: Trx, d: AccountDeps, userId: string, id: string): Promise<Acceptance> {
  const row = await findPending(trx, id);
  const { opened, householdName, login } = await openHousehold(trx, d, row);
  if (!opened.ok) return opened;
  const actor = { kind: "staff" as const, userId };
  await fillFile(trx, { tenant: d.tenant, actor, householdId: opened.householdId }, row);
  const decided = await repo.decide(trx, id, {
    status: "accepted",
    decidedBy: userId,
    householdId: opened.householdId,
  });
  if (!decided) throw alreadyDecided();
  const { number, temporaryPassword } = opened;
  // A letter town posts the identifiant and password; the family learns its file is open.
  if (temporaryPassword) {
    await queueMail(trx, d.tenant, {
      to: row.email,
      template: "preregistration-accepted",
      data: { name: fullName(row), number },
    });
  }
  return { ok: true, number, householdName, login, temporaryPassword };
}

/** « Refuser »: the family is told why by e-mail. */
export async function refuse(trx: Trx, tenant: Tenant, userId: string, id: string, reason: string) {
  const row = await findPending(trx, id);
  if (!(await repo.decide(trx, id, { status: "refused", decidedBy: userId, reason }))) {
    throw alreadyDecided();
  }
  await queueMail(trx, tenant, {
    to: row.email,
    template: "preregistration-refused",
    data: { name: fullName(row), reason },
  });
}
