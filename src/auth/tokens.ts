import { createHash } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/** 160 random bits, URL-safe: session cookies and e-mailed links. */
export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** Only this digest is stored: a database leak yields no usable token (native SHA-256: every request hashes its cookie). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
