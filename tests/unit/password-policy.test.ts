import { describe, expect, it } from "vitest";
import { MAX_PASSWORD_LENGTH, missingRules, passwordRules } from "../../src/auth/password.ts";
import { DEMO_LETTER_PASSWORD, DEMO_PASSWORD } from "../../src/demo/seed.ts";
import type { PasswordPolicy } from "../../src/tenancy/config-schema.ts";

// The policies of tenants/*.yaml: Séné and Sennecey ask 12 characters, Plombières 8; all three ask A-z-0.
const SENE: PasswordPolicy = {
  minLength: 12,
  requireUpper: true,
  requireLower: true,
  requireDigit: true,
  requireSpecial: false,
};
const PLOMBIERES: PasswordPolicy = { ...SENE, minLength: 8 };
/** A town that asks nothing: only the platform floor (CNIL 2022-100) applies. */
const LAX: PasswordPolicy = {
  minLength: 8,
  requireUpper: false,
  requireLower: false,
  requireDigit: false,
  requireSpecial: false,
};

const LENGTH = (n: number) => `${n} caractères minimum`;
const UPPER = "Au moins 1 majuscule";
const LOWER = "Au moins 1 minuscule";
const DIGIT = "Au moins 1 caractère numérique";
const SPECIAL = "Au moins 1 caractère spécial (!, ?, @, …)";
const THREE_KINDS =
  "Au moins 3 types de caractères parmi : majuscules, minuscules, chiffres, caractères spéciaux";
const MAX = `${MAX_PASSWORD_LENGTH} caractères maximum`;
const NOT_OWN = "Différent de votre identifiant et de votre adresse e-mail, et pas un mot de passe courant";

describe("passwordRules: what the form states before the parent types", () => {
  it("lists a town's rules in order, in French", () => {
    expect(passwordRules(SENE).map((r) => r.label)).toEqual([LENGTH(12), UPPER, LOWER, DIGIT, MAX, NOT_OWN]);
    expect(passwordRules(PLOMBIERES).map((r) => r.label)[0]).toBe(LENGTH(8));
  });

  it("adds the special-character rule only when the town asks it", () => {
    expect(passwordRules(SENE).map((r) => r.label)).not.toContain(SPECIAL);
    expect(passwordRules({ ...SENE, requireSpecial: true }).map((r) => r.label)).toContain(SPECIAL);
  });

  it("never goes below the platform floor: 8 characters of 3 kinds", () => {
    // The YAML schema refuses minLength < 8; the rules hold the floor even if it did not.
    const labels = passwordRules({ ...LAX, minLength: 4 }).map((r) => r.label);
    expect(labels).toEqual([LENGTH(8), THREE_KINDS, MAX, NOT_OWN]);
  });

  it("keeps the 3-kinds floor when a town asks fewer than 3 kinds, drops it when it asks 3", () => {
    expect(passwordRules({ ...LAX, requireUpper: true, requireDigit: true }).map((r) => r.label)).toContain(
      THREE_KINDS,
    );
    expect(passwordRules(SENE).map((r) => r.label)).not.toContain(THREE_KINDS);
  });
});

describe("missingRules: what is missing after the parent typed", () => {
  it("accepts the demo passwords under their towns' policies", () => {
    expect(missingRules(DEMO_PASSWORD, SENE)).toEqual([]);
    expect(missingRules(DEMO_LETTER_PASSWORD, PLOMBIERES)).toEqual([]);
  });

  it("names each missing rule of a weak password, and only those", () => {
    expect(missingRules("court", SENE)).toEqual([LENGTH(12), UPPER, DIGIT]);
    expect(missingRules("COURT-MAIS-SANS-MINUSCULE", SENE)).toEqual([LOWER, DIGIT]);
    expect(missingRules("Onze-Car-1x", SENE)).toEqual([LENGTH(12)]);
    expect(missingRules("Douze-Car-1x", SENE)).toEqual([]);
  });

  it("counts characters, not UTF-16 units, and bounds the length", () => {
    // 11 characters (one of them outside the BMP) is still too short for 12.
    expect(missingRules("Abcdefghi1😀", SENE)).toEqual([LENGTH(12)]);
    const longest = `Aa1${"x".repeat(MAX_PASSWORD_LENGTH - 3)}`;
    expect(missingRules(longest, SENE)).toEqual([]);
    expect(missingRules(`${longest}x`, SENE)).toEqual([MAX]);
  });

  it("asks 3 kinds of characters under the floor", () => {
    expect(missingRules("abcdefgh1", LAX)).toEqual([THREE_KINDS]);
    expect(missingRules("abcdefg1!", LAX)).toEqual([]);
    expect(missingRules("ABCDEFG1!", LAX)).toEqual([]);
  });

  it("refuses a password containing the identifier or the e-mail's local part, in any case", () => {
    const ids = ["lola.test@sene.test", "jdupont"];
    expect(missingRules("Xx-Lola.Test-2026", SENE, ids)).toEqual([NOT_OWN]);
    expect(missingRules("Mon-JDupont-2026", SENE, ids)).toEqual([NOT_OWN]);
    expect(missingRules("Parvis-Demo-2026", SENE, ids)).toEqual([]);
    // Identifiers shorter than 3 characters would forbid too much: they are ignored.
    expect(missingRules("Jo-Est-Ici-2026", SENE, ["jo"])).toEqual([]);
  });

  it("refuses well-known passwords whatever their case", () => {
    expect(missingRules("Azerty123456", SENE)).toEqual([NOT_OWN]);
    expect(missingRules("MotDePasse123", SENE)).toEqual([NOT_OWN]);
  });
});
