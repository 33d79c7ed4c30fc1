import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "./password.ts";

const required = (label: string) => z.string().trim().min(1, `${label} est obligatoire.`);

export const emailField = z
  .string()
  .trim()
  .min(1, "L'adresse e-mail est obligatoire.")
  .max(254, "L'adresse e-mail est trop longue.")
  .pipe(z.email("L'adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr)."));

export function loginSchema(field: "email" | "login") {
  return z.object({
    identifier:
      field === "email" ? emailField : required("L'identifiant").max(100, "L'identifiant est trop long."),
    password: z
      .string()
      .min(1, "Le mot de passe est obligatoire.")
      .max(MAX_PASSWORD_LENGTH, "Mot de passe trop long."),
    remember: z.literal("on").optional(),
  });
}

export function forgotSchema(field: "email" | "login") {
  return z.object({ identifier: loginSchema(field).shape.identifier });
}

export const newPasswordSchema = z
  .object({
    new_password: z.string().min(1, "Choisissez un mot de passe."),
    confirm_password: z.string().min(1, "Confirmez le mot de passe."),
  })
  .refine((v) => v.new_password === v.confirm_password, {
    path: ["confirm_password"],
    message: "Les deux mots de passe ne sont pas identiques.",
  });

export const changePasswordSchema = z
  .object({
    current_password: z.string().min(1, "Saisissez votre mot de passe actuel."),
    new_password: z.string().min(1, "Choisissez un nouveau mot de passe."),
    confirm_password: z.string().min(1, "Confirmez le nouveau mot de passe."),
  })
  .refine((v) => v.new_password === v.confirm_password, {
    path: ["confirm_password"],
    message: "Les deux mots de passe ne sont pas identiques.",
  });

export const changeEmailSchema = z.object({
  email: emailField,
  password: z.string().min(1, "Saisissez votre mot de passe pour confirmer."),
});
