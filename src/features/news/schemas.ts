import { z } from "zod";
import { isRealDate, requiredText } from "../../lib/form-fields.ts";

const optionalDate = z
  .string()
  .optional()
  .transform((v) => v || null)
  .refine((v) => v === null || isRealDate(v), { message: "Date invalide (jj/mm/aaaa)." });

/** « Actualité »: title, text with simple formatting, dates, audience. */
export const newsSchema = z
  .object({
    title: requiredText(150),
    body: requiredText(10000),
    audience: z.enum(["public", "parents"], { message: "Choisissez qui peut la lire." }),
    publish_from: z.string().refine(isRealDate, { message: "Indiquez la date de début de publication." }),
    publish_until: optionalDate,
  })
  .refine((n) => !n.publish_until || n.publish_until >= n.publish_from, {
    path: ["publish_until"],
    message: "La fin de publication doit suivre son début.",
  });

export const infoPageSchema = z.object({ title: requiredText(150), body: requiredText(20000) });

export const townFormSchema = z.object({
  label: requiredText(150),
  category: requiredText(80),
  valid_until: optionalDate,
});
