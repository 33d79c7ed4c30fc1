import { z } from "zod";
import { isIsoDate } from "../../../lib/dates.ts";
import { many, uuid } from "../../../lib/form-fields.ts";

/** « Nouvelle inscription »: a child, a period, « Régulier » (weekdays from a date) or « à la carte ». */
export const enrolmentFormSchema = z
  .object({
    enfant: uuid("Choisissez un enfant."),
    periode: uuid("Choisissez un service et une période."),
    mode: z.enum(["regular", "a_la_carte"], { message: "Choisissez « Régulier » ou « À la carte »." }),
    jours: many(z.coerce.number().int().min(1).max(7, "Jour invalide.")),
    debut: z.string().trim(),
  })
  .refine((d) => d.mode !== "regular" || d.jours.length > 0, {
    path: ["jours"],
    message: "Cochez au moins un jour de la semaine.",
  })
  .refine((d) => d.mode !== "regular" || isIsoDate(d.debut), {
    path: ["debut"],
    message: "Indiquez la date de début (JJ/MM/AAAA).",
  });
export type EnrolmentForm = z.infer<typeof enrolmentFormSchema>;

export const endFormSchema = z.object({
  fin: z.string().trim().refine(isIsoDate, "Indiquez la date de fin (JJ/MM/AAAA)."),
});

export const WEEKDAYS = ["", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];
