import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { Database, TenantContext, Trx } from "../db/database.ts";

/**
 * Passkeys (WebAuthn, @simplewebauthn/server) as the easier second factor (issue 16), for both
 * kinds of account: town accounts (parents, staff; town-passkeys.ts) and platform operators
 * (features/platform/operators/passkey-service.ts). Added from « Double authentification » once TOTP is
 * on (it stays the fallback), then offered after the password. Each ceremony's challenge is
 * kept in the session row that asked for it, taken (cleared) by the check that uses it, and
 * holds 5 minutes.
 */
const CHALLENGE_MS = 5 * 60_000;

/** Where the ceremony runs: the site's origin and host (the relying party). */
export interface Site {
  origin: string;
  rpID: string;
}

export class PasskeyError extends Error {}
export const STALE = "La demande a expiré ou a déjà servi. Recommencez.";
export const REFUSED = "La clé d'accès n'a pas pu être vérifiée. Réessayez, ou saisissez un code.";

/**
 * Where one kind of account keeps its passkeys (and which column names their owner) and its
 * sessions' challenges. Both kinds' tables share their columns, so the queries below are typed
 * against the town accounts' names.
 */
// writes: passkeys, operator_passkeys, sessions, operator_sessions
export interface Kind {
  keys: "passkeys";
  owner: "user_id";
  sessions: "sessions";
}
export const TOWN_ACCOUNTS: Kind = { keys: "passkeys", owner: "user_id", sessions: "sessions" };
export const OPERATORS = {
  keys: "operator_passkeys",
  owner: "operator_id",
  sessions: "operator_sessions",
} as const as unknown as Kind;

/** One account, signed in: its kind, how it reaches its own rows, and its audit. */
export interface Account {
  kind: Kind;
  id: string;
  sessionId: string;
  /** The name the authenticator shows, and the relying party's. */
  userName: string;
  rpName: string;
  own: TenantContext;
  auth: TenantContext;
  /** What every passkey of this account carries besides its owner (a town account's town). */
  columns: { tenant_id: string } | Record<string, never>;
  audit: (trx: Trx, event: "passkey_added" | "passkey_removed", ip: string) => Promise<void>;
}

const transports = (t: string[]) => t as AuthenticatorTransportFuture[];

async function keepChallenge(trx: Trx, kind: Kind, sessionId: string, challenge: string) {
  await trx
    .updateTable(kind.sessions)
    .set({
      webauthn_challenge: challenge,
      webauthn_challenge_expires_at: new Date(Date.now() + CHALLENGE_MS),
    })
    .where("id", "=", sessionId)
    .execute();
}

/** The session's challenge, cleared at once (row locked): a second use finds nothing. */
async function takeChallenge(trx: Trx, kind: Kind, sessionId: string): Promise<string> {
  const row = await trx
    .selectFrom(kind.sessions)
    .select(["webauthn_challenge", "webauthn_challenge_expires_at"])
    .where("id", "=", sessionId)
    .forUpdate()
    .executeTakeFirst();
  await trx
    .updateTable(kind.sessions)
    .set({ webauthn_challenge: null, webauthn_challenge_expires_at: null })
    .where("id", "=", sessionId)
    .execute();
  const until = row?.webauthn_challenge_expires_at?.getTime() ?? 0;
  if (!row?.webauthn_challenge || until <= Date.now()) throw new PasskeyError(STALE);
  return row.webauthn_challenge;
}

/** The account's passkeys, newest first. */
export function list(db: Database, a: Account) {
  return db.withTenant(a.own, (trx) =>
    trx
      .selectFrom(a.kind.keys)
      .select(["id", "name", "created_at", "last_used_at"])
      .where(a.kind.owner, "=", a.id)
      .orderBy("created_at", "desc")
      .execute(),
  );
}

/** The options the browser's `navigator.credentials.create` needs; the challenge is kept. */
export async function registrationOptions(db: Database, a: Account, site: Site) {
  const existing = await db.withTenant(a.own, (trx) =>
    trx.selectFrom(a.kind.keys).select(["credential", "transports"]).where(a.kind.owner, "=", a.id).execute(),
  );
  const options = await generateRegistrationOptions({
    rpName: a.rpName,
    rpID: site.rpID,
    userName: a.userName,
    userID: new TextEncoder().encode(a.id),
    attestationType: "none",
    excludeCredentials: existing.map((k) => ({ id: k.credential, transports: transports(k.transports) })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await db.withTenant(a.auth, (trx) => keepChallenge(trx, a.kind, a.sessionId, options.challenge));
  return options;
}

/** Checks the browser's answer against the kept challenge and adds the passkey; audited. */
export async function register(
  db: Database,
  a: Account,
  input: { site: Site; name: string; response: RegistrationResponseJSON; ip: string },
) {
  const challenge = await db.withTenant(a.auth, (trx) => takeChallenge(trx, a.kind, a.sessionId));
  const result = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: challenge,
    expectedOrigin: input.site.origin,
    expectedRPID: input.site.rpID,
  }).catch(() => ({ verified: false as const }));
  if (!result.verified) throw new PasskeyError(REFUSED);
  const { credential } = result.registrationInfo;
  await db.withTenant(a.own, async (trx) => {
    await trx
      .insertInto(a.kind.keys)
      .values({
        ...(a.columns as { tenant_id: string }),
        [a.kind.owner]: a.id,
        credential: credential.id,
        public_key: Buffer.from(credential.publicKey),
        counter: credential.counter,
        transports: credential.transports ?? [],
        name: input.name,
      })
      .execute();
    await a.audit(trx, "passkey_added", input.ip);
  });
}

/** Deletes one of the account's passkeys; audited. */
export function remove(db: Database, a: Account, id: string, ip: string) {
  return db.withTenant(a.own, async (trx) => {
    const gone = await trx
      .deleteFrom(a.kind.keys)
      .where("id", "=", id)
      .where(a.kind.owner, "=", a.id)
      .executeTakeFirst();
    if (!Number(gone.numDeletedRows)) return false;
    await a.audit(trx, "passkey_removed", ip);
    return true;
  });
}

/**
 * After the password, in the login's transaction: the options for `navigator.credentials.get`
 * (the challenge kept in the session waiting for its factor), or null without passkeys.
 */
export async function loginOptions(trx: Trx, kind: Kind, ownerId: string, sessionId: string, site: Site) {
  const keys = await trx
    .selectFrom(kind.keys)
    .select(["credential", "transports"])
    .where(kind.owner, "=", ownerId)
    .execute();
  if (!keys.length) return null;
  const options = await generateAuthenticationOptions({
    rpID: site.rpID,
    allowCredentials: keys.map((k) => ({ id: k.credential, transports: transports(k.transports) })),
    userVerification: "preferred",
  });
  await keepChallenge(trx, kind, sessionId, options.challenge);
  return options;
}

export type PasskeyOutcome = { ok: true } | { ok: false; waitSeconds: number; message: string };

/**
 * Checks an answer against the session's challenge and the owner's passkey, in the login's
 * transaction, and keeps its counter: null when accepted, else what to tell the person.
 */
export async function verifyAnswer(
  trx: Trx,
  kind: Kind,
  ids: { sessionId: string; ownerId: string },
  input: { site: Site; response: AuthenticationResponseJSON },
): Promise<string | null> {
  const challenge = await takeChallenge(trx, kind, ids.sessionId).catch(() => null);
  if (!challenge) return STALE;
  const key = await trx
    .selectFrom(kind.keys)
    .select(["id", "credential", "public_key", "counter", "transports"])
    .where(kind.owner, "=", ids.ownerId)
    .where("credential", "=", input.response.id)
    .executeTakeFirst();
  if (!key) return REFUSED;
  const result = await verifyAuthenticationResponse({
    response: input.response,
    expectedChallenge: challenge,
    expectedOrigin: input.site.origin,
    expectedRPID: input.site.rpID,
    credential: {
      id: key.credential,
      publicKey: new Uint8Array(key.public_key),
      counter: Number(key.counter),
      transports: transports(key.transports),
    },
  }).catch(() => null);
  if (!result?.verified) return REFUSED;
  await trx
    .updateTable(kind.keys)
    .set({ counter: result.authenticationInfo.newCounter, last_used_at: new Date() })
    .where("id", "=", key.id)
    .execute();
  return null;
}
