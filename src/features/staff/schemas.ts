import { z } from "zod";
import { emailField } from "../../auth/schemas.ts";

const text = (label: string, max = 100) =>
  z.string().trim().min(1, `${label} est obligatoire.`).max(max, `${label} est trop long.`);

export function newFamilySchema(loginWith: "email" | "identifier") {
  return z.object({
    household_name: text("Le nom du foyer", 120),
    civility: z.enum(["M.", "Mme"], { error: "Choisissez la civilité." }),
    first_name: text("Le prénom"),
    last_name: text("Le nom"),
    email: loginWith === "email" ? emailField : z.union([z.literal(""), emailField]),
    login:
      loginWith === "identifier"
        ? text("L'identifiant", 50).regex(
            /^[A-Za-z0-9._-]+$/,
            "L'identifiant ne peut contenir que lettres, chiffres, . _ -",
          )
        : z.string().optional(),
  });
}
