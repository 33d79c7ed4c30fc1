import { z } from "zod";
import { requiredText, trimmed, upperName } from "../../lib/form-fields.ts";

const role = z.enum(["admin", "agent"], { message: "Choisissez un rôle." });

export const inviteSchema = z.object({
  first_name: requiredText(100),
  last_name: upperName(100),
  email: z.preprocess((v) => trimmed(v).toLowerCase(), z.email({ message: "Adresse e-mail invalide." })),
  role,
});
export type Invite = z.infer<typeof inviteSchema>;

export const roleSchema = z.object({ role });
