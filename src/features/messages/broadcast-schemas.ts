import { z } from "zod";
import { isRealDate, requiredText } from "../../lib/form-fields.ts";

export const AUDIENCES = {
  tous: "Tous les foyers",
  reserves: "Les foyers dont un enfant est réservé un jour ou une période d'un service",
  ecole: "Les foyers d'une école ou d'une classe",
  impayes: "Les foyers ayant une facture impayée",
  foyer: "Un foyer (N° Famille)",
} as const;

const date = (message: string) => z.string().refine(isRealDate, { message });
const optionalDate = z
  .string()
  .optional()
  .transform((v) => v || undefined)
  .refine((v) => v === undefined || isRealDate(v), { message: "Date invalide." });

const message = (services: string[]) => ({
  subject: requiredText(150),
  service: z.string().refine((v) => services.includes(v), { message: "Choisissez le service concerné." }),
  body: requiredText(5000),
});

/** « Diffusion »: who receives it, then the message itself. */
export function broadcastSchema(services: string[]) {
  const m = message(services);
  return z.discriminatedUnion(
    "cible",
    [
      z.object({ cible: z.literal("tous"), ...m }),
      z.object({
        cible: z.literal("reserves"),
        service_id: z.uuid({ message: "Choisissez le service." }),
        du: date("Indiquez le jour (ou le premier jour de la période)."),
        au: optionalDate,
        ...m,
      }),
      z.object({
        cible: z.literal("ecole"),
        ecole: requiredText(100),
        classe: z
          .string()
          .max(50)
          .optional()
          .transform((v) => v || null),
        ...m,
      }),
      z.object({ cible: z.literal("impayes"), ...m }),
      z.object({ cible: z.literal("foyer"), numero: requiredText(20), ...m }),
    ],
    { error: () => ({ message: "Choisissez les destinataires." }) },
  );
}
export type BroadcastInput = z.infer<ReturnType<typeof broadcastSchema>>;
