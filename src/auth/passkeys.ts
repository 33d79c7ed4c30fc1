import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { Database, Trx } from "../db/database.ts";
import type { Logger } from "../lib/log.ts";
import type { Tenant } from "../tenancy/resolve.ts";
import { recordAuthEvent } from "./events.ts";
import { givePendingFactor } from "./second-factor.ts";
import type { SessionUser } from "./sessions.ts";
import { hashToken } from "./tokens.ts";

/**
 * Passkeys (WebAuthn, @simplewebauthn/server) as the easier second factor of town accounts
 * (issue 16): added from « Double authentification » once TOTP is on (it stays the fallback),
 * then offered after the password. Each ceremony's challenge is kept in the session row that
 * asked for it, taken (cleared) by the check that uses it, and holds 5 minutes.
 */
const CHALLENGE_MS = 5 * 60_000;

/** Where the ceremony runs: the town's origin and host (the relying party). */
export interface Site {
  origin: string;
  rpID: string;
}

export class PasskeyError extends Error {}
const STALE = "La demande a expiré ou a déjà servi. Recommencez.";
const REFUSED = "La clé d'accès n'a pas pu être vérifiée. Réessayez, ou saisissez un code.";

type Person = Pick<SessionUser, "kind" | "userId" | "householdId" | "email" | "login" | "sessionId">;
const auth = (tenant: Tenant) => ({ role: "app_auth" as const, tenantId: tenant.id });
const own = (tenant: Tenant, s: Person) => ({
  role: s.kind === "parent" ? ("app_parent" as const) : ("app_staff" as const),
  tenantId: tenant.id,
  userId: s.userId,
  householdId: s.householdId,
});
const transports = (t: string[]) => t as AuthenticatorTransportFuture[];

async function keepChallenge(trx: Trx, sessionId: string, challenge: string) {
  await trx
    .updateTable("sessions")
    .set({
      webauthn_challenge: challenge,
      webauthn_challenge_expires_at: new Date(Date.now() + CHALLENGE_MS),
    })
    .where("id", "=", sessionId)
    .execute();
}

/** The session's challenge, cleared at once (row locked): a second use finds nothing. */
async function takeChallenge(trx: Trx, sessionId: string): Promise<string> {
  const row = await trx
    .selectFrom("sessions")
    .select(["webauthn_challenge", "webauthn_challenge_expires_at"])
    .where("id", "=", sessionId)
    .forUpdate()
    .executeTakeFirst();
  await trx
    .updateTable("sessions")
    .set({ webauthn_challenge: null, webauthn_challenge_expires_at: null })
    .where("id", "=", sessionId)
    .execute();
  const until = row?.webauthn_challenge_expires_at?.getTime() ?? 0;
  if (!row?.webauthn_challenge || until <= Date.now()) throw new PasskeyError(STALE);
  return row.webauthn_challenge;
}

/** The person's passkeys, newest first. */
export function list(db: Database, tenant: Tenant, s: Person) {
  return db.withTenant(own(tenant, s), (trx) =>
    trx
      .selectFrom("passkeys")
      .select(["id", "name", "created_at", "last_used_at"])
      .where("user_id", "=", s.userId)
      .orderBy("created_at", "desc")
      .execute(),
  );
}

/** The options the browser's `navigator.credentials.create` needs; the challenge is kept. */
export async function registrationOptions(db: Database, tenant: Tenant, s: Person, site: Site) {
  const existing = await db.withTenant(own(tenant, s), (trx) =>
    trx.selectFrom("passkeys").select(["credential", "transports"]).where("user_id", "=", s.userId).execute(),
  );
  const options = await generateRegistrationOptions({
    rpName: `Parvis ${tenant.config.shortName}`,
    rpID: site.rpID,
    userName: s.email ?? s.login ?? s.userId,
    userID: new TextEncoder().encode(s.userId),
    attestationType: "none",
    excludeCredentials: existing.map((k) => ({ id: k.credential, transports: transports(k.transports) })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await db.withTenant(auth(tenant), (trx) => keepChallenge(trx, s.sessionId, options.challenge));
  return options;
}

/** Checks the browser's answer against the kept challenge and adds the passkey; audited. */
export async function register(
  db: Database,
  log: Logger,
  tenant: Tenant,
  s: Person,
  input: { site: Site; name: string; response: RegistrationResponseJSON; ip: string },
) {
  const challenge = await db.withTenant(auth(tenant), (trx) => takeChallenge(trx, s.sessionId));
  const result = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge: challenge,
    expectedOrigin: input.site.origin,
    expectedRPID: input.site.rpID,
  }).catch(() => ({ verified: false as const }));
  if (!result.verified) throw new PasskeyError(REFUSED);
  const { credential } = result.registrationInfo;
  await db.withTenant(own(tenant, s), async (trx) => {
    await trx
      .insertInto("passkeys")
      .values({
        tenant_id: tenant.id,
        user_id: s.userId,
        credential: credential.id,
        public_key: Buffer.from(credential.publicKey),
        counter: credential.counter,
        transports: credential.transports ?? [],
        name: input.name,
      })
      .execute();
    await recordAuthEvent(trx, log, {
      tenantId: tenant.id,
      userId: s.userId,
      event: "passkey_added",
      ip: input.ip,
    });
  });
}

/** Deletes one of the person's passkeys; audited. */
export function remove(db: Database, log: Logger, tenant: Tenant, s: Person, id: string, ip: string) {
  return db.withTenant(own(tenant, s), async (trx) => {
    const gone = await trx
      .deleteFrom("passkeys")
      .where("id", "=", id)
      .where("user_id", "=", s.userId)
      .executeTakeFirst();
    if (!Number(gone.numDeletedRows)) return false;
    await recordAuthEvent(trx, log, { tenantId: tenant.id, userId: s.userId, event: "passkey_removed", ip });
    return true;
  });
}

/** After the password: the options for `navigator.credentials.get`, or null without passkeys. */
export function loginOptions(db: Database, tenant: Tenant, token: string, site: Site) {
  return db.withTenant(auth(tenant), async (trx) => {
    const id = hashToken(token);
    const keys = await trx
      .selectFrom("passkeys as k")
      .innerJoin("sessions as s", "s.user_id", "k.user_id")
      .select(["k.credential", "k.transports"])
      .where("s.id", "=", id)
      .where("s.second_factor_pending", "=", true)
      .execute();
    if (!keys.length) return null;
    const options = await generateAuthenticationOptions({
      rpID: site.rpID,
      allowCredentials: keys.map((k) => ({ id: k.credential, transports: transports(k.transports) })),
      userVerification: "preferred",
    });
    await keepChallenge(trx, id, options.challenge);
    return options;
  });
}

export type PasskeyOutcome = { ok: true } | { ok: false; waitSeconds: number; message: string };

/** Checks an answer against the session's challenge and the user's passkey; keeps its counter. */
async function verifyAnswer(
  trx: Trx,
  sessionId: string,
  userId: string,
  input: { site: Site; response: AuthenticationResponseJSON },
) {
  const challenge = await takeChallenge(trx, sessionId).catch(() => null);
  if (!challenge) return STALE;
  const key = await trx
    .selectFrom("passkeys")
    .selectAll()
    .where("user_id", "=", userId)
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
    .updateTable("passkeys")
    .set({ counter: result.authenticationInfo.newCounter, last_used_at: new Date() })
    .where("id", "=", key.id)
    .execute();
  return null;
}

/** The passkey's answer after the password: the session waiting for it opens, or the failure counts. */
export function complete(
  db: Database,
  log: Logger,
  tenant: Tenant,
  token: string,
  input: { site: Site; response: AuthenticationResponseJSON; ip: string },
) {
  return db.withTenant(
    auth(tenant),
    (trx): Promise<PasskeyOutcome | null> =>
      givePendingFactor(trx, log, tenant, token, input.ip, "passkey_failed", async (sessionId, userId) => {
        const refused = await verifyAnswer(trx, sessionId, userId, input);
        return refused ? { refused } : { accepted: "login" };
      }),
  );
}
