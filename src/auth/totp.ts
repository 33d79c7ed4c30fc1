import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, verifyTOTPWithGracePeriod } from "@oslojs/otp";
import { hashToken } from "./tokens.ts";

/**
 * The TOTP factor shared by town accounts (second-factor.ts) and operators
 * (operator-second-factor.ts): RFC 6238, 30 s, 6 digits, one step of grace for clocks, and ten
 * single-use recovery codes, of which only SHA-256 digests are kept.
 */
const PERIOD_S = 30;
const DIGITS = 6;
const RECOVERY_CODES = 10;

/** The stored factor, whatever table holds it. */
export interface TotpRow {
  totp_key: Buffer;
  enabled_at: Date | null;
  recovery_codes: string[];
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

export function totpAccepts(key: Buffer, code: string): boolean {
  return verifyTOTPWithGracePeriod(new Uint8Array(key), PERIOD_S, DIGITS, normalised(code), PERIOD_S);
}

/** Fresh recovery codes (shown once) and the digests to keep. */
export function recoveryCodes(): { codes: string[]; digests: string[] } {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const code = encodeBase32UpperCaseNoPadding(crypto.getRandomValues(new Uint8Array(5)));
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  });
  return { codes, digests: codes.map((c) => hashToken(normalised(c))) };
}

export type CodeCheck = { how: "totp" } | { how: "recovery"; left: string[] } | null;

/** A TOTP code, or an unused recovery code (the caller then keeps `left`). */
export function checkCode(row: TotpRow | undefined, code: string): CodeCheck {
  if (!row?.enabled_at) return null;
  const typed = normalised(code);
  if (/^\d{6}$/.test(typed)) return totpAccepts(row.totp_key, typed) ? { how: "totp" } : null;
  const digest = hashToken(typed);
  if (!row.recovery_codes.includes(digest)) return null;
  return { how: "recovery", left: row.recovery_codes.filter((d) => d !== digest) };
}
