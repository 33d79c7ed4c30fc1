import { z } from "zod";
import { requiredText } from "../../lib/form-fields.ts";

const body = requiredText(5000);

/** « Nouveau message »: a subject, one of the town's services, the text. */
export function messageSchema(services: string[]) {
  return z.object({
    subject: requiredText(150),
    service: z.string().refine((v) => services.includes(v), { message: "Choisissez le service concerné." }),
    body,
  });
}
export type MessageInput = z.infer<ReturnType<typeof messageSchema>>;

export const replySchema = z.object({ body });

export const STAFF_STATES = { non_lu: "Non lu", a_traiter: "À traiter", traite: "Traité" } as const;
export type StaffState = keyof typeof STAFF_STATES;

/** Staff « Messagerie » filters; anything unknown is simply no filter. */
export const staffFilterSchema = z.object({
  service: z.string().max(60).optional().catch(undefined),
  etat: z.enum(["non_lu", "a_traiter", "traite"]).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
});
export type StaffFilter = z.infer<typeof staffFilterSchema>;
