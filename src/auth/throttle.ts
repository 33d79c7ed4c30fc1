import { sql } from "kysely";
import type { Trx } from "../db/database.ts";

/**
 * Failed logins slow down, never lock for good: after `free` failures each new one
 * doubles the wait, from 30 s up to 15 min; a day without failure starts over.
 *
 * The attacker is slowed, not the owner: the counters that block quickly are per account
 * *and* address (`pair`), or per account and known device (`dev`); an address guessing
 * across many accounts is slowed by `ip`; the per-account ceiling (`acct`) is high enough to
 * stop only mass guessing from many addresses, and a known device is spared even then.
 * `reauth` counts wrong current passwords typed by a signed-in person; `invite` the
 * invitations a household sends, `prereg` the pre-registrations an address sends (every
 * one counts, not only failures); `otp` the wrong second-factor codes of an account.
 */
const FREE = { pair: 5, dev: 5, ip: 30, acct: 100, reauth: 5, invite: 3, prereg: 5, otp: 5 } as const;
const MAX_DELAY_S = 15 * 60;
export type ThrottleKey = { kind: keyof typeof FREE; value: string };

type Table = "login_throttle" | "operator_throttle";
const conflictTarget = (t: Table) => sql.raw(t === "login_throttle" ? "(tenant_id, key)" : "(key)");
const keyOf = (k: ThrottleKey) => `${k.kind}:${k.value.toLowerCase()}`;

export function delaySeconds(failures: number, free: number): number {
  return failures < free ? 0 : Math.min(MAX_DELAY_S, 30 * 2 ** (failures - free));
}

/**
 * The counters a login attempt is checked against: a known device of that account has
 * its own budget; any other attempt counts for its account+address pair, its address,
 * and the account's ceiling.
 */
export function loginKeys(account: string, ip: string, deviceId: string | null): ThrottleKey[] {
  if (deviceId) return [{ kind: "dev", value: `${account}|${deviceId}` }];
  return [
    { kind: "pair", value: `${account}|${ip}` },
    { kind: "ip", value: ip },
    { kind: "acct", value: account },
  ];
}

/** The counters a success clears: the pair or device that just proved itself, never the ceiling. */
export const clearedOnSuccess = (keys: ThrottleKey[]) =>
  keys.filter((k) => k.kind === "pair" || k.kind === "dev");

/** Seconds to wait before the next attempt may be checked, 0 when free to try. */
export async function waitSeconds(trx: Trx, table: Table, keys: ThrottleKey[]): Promise<number> {
  const { rows } = await sql<{ wait: number | null }>`
    select ceil(extract(epoch from max(blocked_until) - now()))::int as wait
    from ${sql.table(table)} where key in (${sql.join(keys.map(keyOf))}) and blocked_until > now()`.execute(
    trx,
  );
  return rows[0]?.wait ?? 0;
}

export async function registerFailure(trx: Trx, table: Table, keys: ThrottleKey[]): Promise<void> {
  for (const k of keys) {
    const { rows } = await sql<{ failures: number }>`
      insert into ${sql.table(table)} as t (key, failures, updated_at) values (${keyOf(k)}, 1, now())
      on conflict ${conflictTarget(table)} do update
        set failures = case when t.updated_at < now() - interval '24 hours' then 1 else t.failures + 1 end,
            updated_at = now()
      returning failures`.execute(trx);
    const delay = delaySeconds(rows[0]?.failures ?? 1, FREE[k.kind]);
    if (delay > 0) {
      await sql`update ${sql.table(table)} set blocked_until = now() + make_interval(secs => ${delay})
        where key = ${keyOf(k)}`.execute(trx);
    }
  }
}

export async function clear(trx: Trx, table: Table, keys: ThrottleKey[]): Promise<void> {
  if (!keys.length) return;
  await sql`delete from ${sql.table(table)} where key in (${sql.join(keys.map(keyOf))})`.execute(trx);
}

/** A new password (reset link): every counter of the account starts over, the ceiling included. */
export async function clearAccount(trx: Trx, table: Table, account: string): Promise<void> {
  const a = account.toLowerCase();
  await sql`delete from ${sql.table(table)}
    where key = ${`acct:${a}`} or starts_with(key, ${`pair:${a}|`}) or starts_with(key, ${`dev:${a}|`})`.execute(
    trx,
  );
}

/** « Trop d'essais… »: the French answer to a throttled second factor. */
export function tooManyTries(waitSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(waitSeconds / 60));
  return `Trop d'essais. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.`;
}
