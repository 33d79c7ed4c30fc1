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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id as the database gives them (any UUID version). */
export const isUuid = (v: unknown): v is string => typeof v === "string" && UUID.test(v);

/** An id chosen in a form (a select, a radio, a hidden field). */
export const uuid = (message = "Ce choix n'est pas valide.") =>
  z.preprocess(trimmed, z.string().refine(isUuid, message));

/** A real calendar day typed or picked as « YYYY-MM-DD ». */
export const isoDate = (message = "Indiquez une date valide (jj/mm/aaaa).") =>
  z.preprocess(trimmed, z.string().refine(isRealDate, message));

/** A month as « YYYY-MM ». */
export const month = (message = "Indiquez un mois valide.") =>
  z.preprocess(trimmed, z.string().regex(/^\d{4}-(?:0[1-9]|1[0-2])$/, message));

/** A repeated field (ticked boxes, several selects), always a list, maybe empty. */
export const many = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** A checkbox: ticked or not. */
export const checkbox = z.preprocess((v) => v === "on" || v === "1" || v === "true", z.boolean());

const EUROS = /^(\d{1,7})(?:[.,](\d+))?$/;

/** An amount typed in euros, French style (« 12,50 », « 1 234,5 », « 12 € »), in integer cents. */
export function readEuros(value: unknown): { cents: number } | { error: string } {
  const text = typeof value === "string" ? value.replace(/[\s\u00a0\u202f]/g, "").replace(/€$/, "") : "";
  if (!text) return { error: "Indiquez le montant en euros, par exemple 12,50." };
  const m = EUROS.exec(text);
  if (!m) return { error: "Le montant doit être un nombre en euros, par exemple 12,50." };
  const decimals = m[2] ?? "";
  if (decimals.length > 2) return { error: "Le montant a au plus deux chiffres après la virgule." };
  return { cents: Number(m[1]) * 100 + Number(decimals.padEnd(2, "0")) };
}

/** A form field in euros read into integer cents; zero is refused unless `allowZero`. */
export const euros = (options: { allowZero?: boolean } = {}) =>
  z.unknown().transform((v, ctx) => {
    const read = readEuros(v);
    if ("error" in read) ctx.addIssue({ code: "custom", message: read.error });
    else if (read.cents === 0 && !options.allowZero)
      ctx.addIssue({ code: "custom", message: "Le montant doit être supérieur à zéro." });
    else return read.cents;
    return z.NEVER;
  });
