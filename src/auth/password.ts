import { hash, verify } from "@node-rs/argon2";
import type { PasswordPolicy } from "../tenancy/config-schema.ts";

// architecture §2: argon2id m=19456 t=2 p=1 (OWASP). 2 = Algorithm.Argon2id (a const enum in its types).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const MAX_PASSWORD_LENGTH = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the account does not exist, so timing does not reveal it.
let decoy: Promise<string> | undefined;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hashPassword("parvis-decoy-password");
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

export interface PasswordRule {
  label: string;
  test: (password: string) => boolean;
}

const COMMON = new Set([
  "azerty123456",
  "motdepasse123",
  "password1234",
  "123456789abc",
  "azertyuiop12",
  "soleil123456",
  "bonjour12345",
]);

const categories = (p: string) =>
  [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(p)).length;

/**
 * The town's rules over the platform floor. The floor follows CNIL deliberation 2022-100,
 * case 2 (password plus access restriction, which the login throttling provides):
 * at least 8 characters of 3 kinds, not the identifier, not a well-known password.
 */
export function passwordRules(policy: PasswordPolicy, identifiers: string[] = []): PasswordRule[] {
  const rules: PasswordRule[] = [
    {
      label: `${Math.max(8, policy.minLength)} caractères minimum`,
      test: (p) => [...p].length >= Math.max(8, policy.minLength),
    },
  ];
  if (policy.requireUpper) rules.push({ label: "Au moins 1 majuscule", test: (p) => /[A-Z]/.test(p) });
  if (policy.requireLower) rules.push({ label: "Au moins 1 minuscule", test: (p) => /[a-z]/.test(p) });
  if (policy.requireDigit)
    rules.push({ label: "Au moins 1 caractère numérique", test: (p) => /[0-9]/.test(p) });
  if (policy.requireSpecial) {
    rules.push({ label: "Au moins 1 caractère spécial (!, ?, @, …)", test: (p) => /[^a-zA-Z0-9]/.test(p) });
  }
  const required = [policy.requireUpper, policy.requireLower, policy.requireDigit, policy.requireSpecial];
  if (required.filter(Boolean).length < 3) {
    rules.push({
      label: "Au moins 3 types de caractères parmi : majuscules, minuscules, chiffres, caractères spéciaux",
      test: (p) => categories(p) >= 3,
    });
  }
  rules.push({
    label: `${MAX_PASSWORD_LENGTH} caractères maximum`,
    test: (p) => [...p].length <= MAX_PASSWORD_LENGTH,
  });
  const own = identifiers.map((i) => i.toLowerCase().split("@")[0] ?? "").filter((i) => i.length >= 3);
  rules.push({
    label: "Différent de votre identifiant et de votre adresse e-mail, et pas un mot de passe courant",
    test: (p) => !COMMON.has(p.toLowerCase()) && !own.some((i) => p.toLowerCase().includes(i)),
  });
  return rules;
}

/** The labels of the rules the password misses; empty when it is acceptable. */
export function missingRules(password: string, policy: PasswordPolicy, identifiers: string[] = []): string[] {
  return passwordRules(policy, identifiers)
    .filter((r) => !r.test(password))
    .map((r) => r.label);
}
