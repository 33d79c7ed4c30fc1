import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, verifyHOTP } from "@oslojs/otp";
import { hashToken } from "./tokens.ts";

/**
 * The TOTP factor shared by town accounts (second-factor.ts) and operators
 * (features/platform/operators/second-factor-service.ts): RFC 6238, 30 s, 6 digits, one step of grace
 * for clocks, and ten single-use recovery codes, of which only SHA-256 digests are kept. A TOTP
 * code serves once: the factor keeps the last time step it accepted, and only a later step passes.
 */
const PERIOD_S = 30;
const DIGITS = 6;
const RECOVERY_CODES = 10;

/** The stored factor, whatever table holds it. */
export interface TotpRow {
  totp_key: Buffer;
  enabled_at: Date | null;
  recovery_codes: string[];
  /** The last time step accepted (bigint column, read as text). */
  last_used_step?: string | null;
}

export const newKey = () => Buffer.from(crypto.getRandomValues(new Uint8Array(20)));

const normalised = (code: string) => code.replace(/[\s-]/g, "").toUpperCase();

/** What the enrolment page shows: the key in groups of four, and the otpauth:// link. */
export function enrolmentView(key: Buffer, issuer: string, account: string) {
  const bytes = new Uint8Array(key);
  return {
    enabled: false as const,
    secret: encodeBase32UpperCaseNoPadding(bytes)
      .replace(/(.{4})/g, "$1 ")
      .trim(),
    uri: createTOTPKeyURI(issuer, account, bytes, PERIOD_S, DIGITS),
  };
}

/**
 * The time step a TOTP code matches (now, or one step either side for clocks), when it is later
 * than the last one the factor accepted; null otherwise. The caller keeps the step.
 */
function totpStep(key: Buffer, code: string, lastUsed?: string | null): number | null {
  const now = Math.floor(Date.now() / (PERIOD_S * 1000));
  const typed = normalised(code);
  const after = lastUsed == null ? Number.NEGATIVE_INFINITY : Number(lastUsed);
  for (const step of [now - 1, now, now + 1])
    if (step > after && verifyHOTP(new Uint8Array(key), BigInt(step), DIGITS, typed)) return step;
  return null;
}

/** Fresh recovery codes (shown once) and the digests to keep. */
function recoveryCodes(): { codes: string[]; digests: string[] } {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const code = encodeBase32UpperCaseNoPadding(crypto.getRandomValues(new Uint8Array(5)));
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  });
  return { codes, digests: codes.map((c) => hashToken(normalised(c))) };
}

type CodeCheck = { how: "totp"; step: number } | { how: "recovery"; left: string[] } | null;

/**
 * A TOTP code not used yet, or an unused recovery code (`spendCode` then keeps `step` or
 * `left`). It reads the row locked, so two answers with one code cannot both pass.
 */
function checkCode(row: TotpRow | undefined, code: string): CodeCheck {
  if (!row?.enabled_at) return null;
  const typed = normalised(code);
  if (/^\d{6}$/.test(typed)) {
    const step = totpStep(row.totp_key, typed, row.last_used_step);
    return step === null ? null : { how: "totp", step };
  }
  const digest = hashToken(typed);
  if (!row.recovery_codes.includes(digest)) return null;
  return { how: "recovery", left: row.recovery_codes.filter((d) => d !== digest) };
}

/** What the factor's row keeps once a code is accepted: its time step, or the recovery codes left. */
const spent = (check: NonNullable<CodeCheck>) =>
  check.how === "totp" ? { last_used_step: check.step } : { recovery_codes: check.left };

/**
 * The first right code of a factor not on yet: what its row keeps to turn it on (the code's
 * time step, the recovery codes' digests) and the recovery codes shown once; null otherwise.
 */
function turnOn(row: Pick<TotpRow, "totp_key" | "enabled_at"> | undefined, code: string) {
  const step = row && !row.enabled_at ? totpStep(row.totp_key, code) : null;
  if (step === null) return null;
  const { codes, digests } = recoveryCodes();
  return { codes, set: { enabled_at: new Date(), recovery_codes: digests, last_used_step: step } };
}

/** One person's factor row, wherever it is kept: read locked, then written back. */
export interface FactorRow {
  locked(): Promise<TotpRow | undefined>;
  update(
    set: Partial<Pick<TotpRow, "enabled_at" | "recovery_codes">> & { last_used_step?: number },
  ): Promise<unknown>;
}

/** A code after the password, accepted as a TOTP or a recovery code (then spent), or null. */
export async function spendCode(factor: FactorRow, code: string): Promise<"totp" | "recovery" | null> {
  const check = checkCode(await factor.locked(), code);
  if (check) await factor.update(spent(check));
  return check?.how ?? null;
}

/** The first right code turns the factor on: the recovery codes to show once, or null. */
export async function enable(factor: FactorRow, code: string): Promise<string[] | null> {
  const on = turnOn(await factor.locked(), code);
  if (!on) return null;
  await factor.update(on.set);
  return on.codes;
}
