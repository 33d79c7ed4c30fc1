import { z } from "zod";
import { isoDate, trimmed } from "../../lib/form-fields.ts";

/** Form fields staff fill in when they record money moved outside the portal (desk, transfer). */

/** A day that has come: missing or not a date, and in the future, each with its message. */
export const dayBefore = (today: string, messages: { missing: string; future: string }) =>
  isoDate(messages.missing).refine((day) => day <= today, messages.future);

/** The cheque number or transfer reference, optional, 50 characters at most. */
export const deskReference = z.preprocess(
  trimmed,
  z
    .string()
    .max(50, "La référence ne doit pas dépasser 50 caractères.")
    .transform((v) => v || null),
);
