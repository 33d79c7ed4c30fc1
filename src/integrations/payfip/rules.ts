import { randomBytes } from "node:crypto";
import { PayfipInputError } from "./errors.ts";
import type { CreatePaymentInput, CreateRequestFields } from "./types.ts";

/** docs/payfip.md §2: 1,00 € minimum; 100 000,00 € by default (the real cap is per contract). */
export const MIN_CENTS = 100;
export const MAX_CENTS = 10_000_000;
export const REFDET_PATTERN = /^[A-Za-z0-9]{6,30}$/;
export const OBJET_MAX = 100;

const euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

/** Cents as French euros: 150000 → « 1 500,00 € ». */
export function formatCents(cents: number): string {
  return euros.format(cents / 100);
}

/** An amount in integer cents within the limits, or a PayfipInputError in French. */
export function checkAmountCents(cents: number, limits: { min?: number; max?: number } = {}): number {
  const min = limits.min ?? MIN_CENTS;
  const max = limits.max ?? MAX_CENTS;
  if (!Number.isSafeInteger(cents)) {
    throw new PayfipInputError("montant", "Le montant doit être un nombre entier de centimes.");
  }
  if (cents < min) {
    throw new PayfipInputError(
      "montant",
      `Le paiement en ligne n'est possible qu'à partir de ${formatCents(min)}.`,
    );
  }
  if (cents > max) {
    throw new PayfipInputError("montant", `Le paiement en ligne est limité à ${formatCents(max)}.`);
  }
  return cents;
}

/**
 * A fresh debt reference for one payment attempt: the prefix's letters and digits (at most
 * 10), the UTC time to the second and 6 random characters; 20 to 30 of [A-Z0-9].
 */
export function makeRefdet(prefix = "", now: Date = new Date()): string {
  const head = prefix
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, 10);
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  const random = [...randomBytes(6)].map((b) => "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[b % 32]).join("");
  return `${head}${stamp}${random}`;
}

/** `objet` reduced to [A-Za-z0-9 ]: accents stripped, ' and - as spaces, 100 characters. */
export function sanitizeObjet(text: string): string {
  return text
    .replace(/œ/g, "oe")
    .replace(/Œ/g, "OE")
    .replace(/æ/g, "ae")
    .replace(/Æ/g, "AE")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/['’\-_/]/g, " ")
    .replace(/[^A-Za-z0-9 ]/g, "")
    .replace(/ +/g, " ")
    .trim()
    .slice(0, OBJET_MAX)
    .trim();
}

function absoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Checks what PayFiP would reject, so that a bad call is never sent; returns the wire fields. */
export function createRequestFields(input: CreatePaymentInput): CreateRequestFields {
  if (!/^\d{6}$/.test(input.numcli)) {
    throw new PayfipInputError("numcli", "Le numéro de client PayFiP doit comporter 6 chiffres.");
  }
  const exer = String(input.exer);
  if (!/^\d{4}$/.test(exer))
    throw new PayfipInputError("exer", "L'exercice doit être une année sur 4 chiffres.");
  if (!REFDET_PATTERN.test(input.refdet)) {
    throw new PayfipInputError("refdet", "La référence doit comporter de 6 à 30 lettres ou chiffres.");
  }
  const mel = input.mel.trim();
  if (mel.length < 6 || mel.length > 80 || !/^[^@\s]+@[^@\s]+$/.test(mel)) {
    throw new PayfipInputError("mel", "L'adresse électronique du payeur est incorrecte.");
  }
  if (!absoluteHttpUrl(input.urlnotif) || !absoluteHttpUrl(input.urlredirect)) {
    throw new PayfipInputError(
      "url",
      "Les adresses de retour et de notification doivent être des URL absolues.",
    );
  }
  const objet = sanitizeObjet(input.objet ?? "");
  return {
    exer,
    mel,
    montant: String(checkAmountCents(input.montantCents)),
    numcli: input.numcli,
    ...(objet ? { objet } : {}),
    refdet: input.refdet,
    saisie: input.saisie,
    urlnotif: input.urlnotif,
    urlredirect: input.urlredirect,
  };
}
