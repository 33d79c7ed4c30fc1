import { z } from "zod";

/** Field builders shared by the forms of the household file, with their French messages. */

export const REQUIRED = "Ce champ est obligatoire.";
export const tooLong = (max: number) => `${max} caractères au maximum.`;
export const trimmed = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** Optional free text: empty becomes null. */
export const optionalText = (max: number) =>
  z.preprocess(
    trimmed,
    z
      .string()
      .max(max, tooLong(max))
      .transform((v) => v || null),
  );

export const requiredText = (max: number) =>
  z.preprocess(trimmed, z.string().min(1, REQUIRED).max(max, tooLong(max)));

/** Family names are kept in capitals, as on the towns' files. */
export const upperName = (max = 100) => requiredText(max).transform((v) => v.toLocaleUpperCase("fr-FR"));

const PHONE = /^(?:\+33|0)[1-9](?:\d{2}){4}$/;

const phoneDigits = (v: unknown) => trimmed(v).replace(/[\s.-]/g, "");
const phoneFormat = (digits: string) => `0${digits.slice(-9)}`.replace(/(\d{2})(?=\d)/g, "$1 ");

/** A French phone number, kept as « 03 80 47 00 12 »; empty is null. */
export const phone = z.preprocess(
  phoneDigits,
  z
    .string()
    .refine((v) => v === "" || PHONE.test(v), "Numéro de téléphone invalide (exemple : 06 12 34 56 78).")
    .transform((v) => (v ? phoneFormat(v) : null)),
);

/**
 * A value as the forms keep it, to tell a real change from the same value typed another way:
 * a phone number in any format (« 03.80.47.00.12 », « +33 3 80 47 00 12 ») is one number;
 * surrounding spaces do not count.
 */
export function canonical(v: unknown): unknown {
  if (typeof v !== "string") return v ?? null;
  const digits = phoneDigits(v);
  if (PHONE.test(digits)) return phoneFormat(digits);
  return v.trim() || null;
}

/** Today in Europe/Paris, "YYYY-MM-DD": the server's zone must not matter. */
export function parisToday(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(now);
}

/** "YYYY-MM-DD" that names a real calendar day (not 2026-02-30). */
export function isRealDate(v: string): boolean {
  const d = new Date(`${v}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
}
