import { electronicFormatIBAN, isValidBIC, isValidIBAN } from "ibantools";
import { z } from "zod";
import {
  checkbox,
  phone,
  REQUIRED,
  requiredText,
  optionalText as text,
  tooLong,
  trimmed,
  upperName,
} from "../../lib/form-fields.ts";

const lastName = upperName();

const postalCode = z.preprocess(
  trimmed,
  z
    .string()
    .refine((v) => v === "" || /^\d{5}$/.test(v), "Code postal invalide : 5 chiffres.")
    .transform((v) => v || null),
);

const email = z.preprocess(
  trimmed,
  z
    .union([z.literal(""), z.email("Adresse e-mail invalide.").max(254, tooLong(254))])
    .transform((v) => (v ? v.toLowerCase() : null)),
);

const choice = <T extends string>(values: readonly T[]) =>
  z.preprocess(
    trimmed,
    z
      .union([z.literal(""), z.enum(values)], { error: "Choisissez une valeur de la liste." })
      .transform((v) => (v === "" ? null : (v as T))),
  );

/** Today in Europe/Paris, as YYYY-MM-DD. */
const todayInParis = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());

const birthDate = z.preprocess(
  trimmed,
  z
    .union([z.literal(""), z.iso.date("Date invalide.")], { error: "Date invalide (jj/mm/aaaa)." })
    .refine((v) => v === "" || v <= todayInParis(), "La date de naissance ne peut pas être dans le futur.")
    .refine((v) => v === "" || v >= "1900-01-01", "Date invalide.")
    .transform((v) => v || null),
);

const count = (max: number, message: string) =>
  z.preprocess(
    trimmed,
    z
      .string()
      .refine((v) => v === "" || (/^\d{1,6}$/.test(v) && Number(v) <= max), message)
      .transform((v) => (v === "" ? null : Number(v))),
  );

const CIVILITIES = ["M.", "Mme"] as const;
const SEXES = ["M", "F"] as const;
export const CAF_REGIMES = ["CAF", "MSA", "AUTRE"] as const;

const person = {
  civility: choice(CIVILITIES),
  last_name: lastName,
  first_name: requiredText(100),
  birth_date: birthDate,
  sex: choice(SEXES),
  address_line: text(200),
  postal_code: postalCode,
  city: text(100),
  phone_home: phone,
  phone_mobile: phone,
  phone_work: phone,
  profession: text(100),
  employer: text(100),
  employer_address: text(200),
};

/** « Mon profil »: the guardian of rank 1, the account holder. */
export const responsableSchema = z.object({ ...person, consent_email: checkbox, consent_sms: checkbox });

/** « Autre responsable »: the guardian of rank 2. */
export const conjointSchema = z.object({ ...person, email });

/** « Mon profil » of the invited other guardian: their own row, e-mail kept by the account. */
export const partnerProfileSchema = z.object({ ...person });

/** « Inviter à créer son propre accès »: the guardian invited. */
export const inviteSchema = z.object({ guardian: z.uuid() });

export const coordonneesSchema = z.object({
  address_line: text(200),
  postal_code: postalCode,
  city: text(100),
  phone_main: phone,
  phone_other: phone,
});

export const cafSchema = z
  .object({
    caf_regime: choice(CAF_REGIMES),
    caf_number: z.preprocess(
      trimmed,
      z
        .string()
        .max(20, tooLong(20))
        .refine((v) => /^[A-Za-z0-9]*$/.test(v), "Lettres et chiffres seulement.")
        .transform((v) => v.toUpperCase() || null),
    ),
    family_quotient: count(99999, "Quotient familial invalide : un nombre entier."),
    children_count: count(30, "Nombre invalide : entre 0 et 30."),
    dependent_children: count(30, "Nombre invalide : entre 0 et 30."),
  })
  .refine(
    (v) =>
      v.dependent_children === null || v.children_count === null || v.dependent_children <= v.children_count,
    {
      path: ["dependent_children"],
      message: "Il ne peut pas y avoir plus d'enfants à charge que d'enfants.",
    },
  );

/** Euros as typed (« 23 456,78 ») → canonical « 23456.78 ». */
const euros = z.preprocess(
  (v) => trimmed(v).replace(/[\s\u00a0\u202f€]/g, ""),
  z
    .string()
    .refine((v) => v === "" || /^\d{1,9}(?:[.,]\d{1,2})?$/.test(v), "Montant invalide (exemple : 23456,78).")
    .transform((v) => (v === "" ? null : Number(v.replace(",", ".")).toFixed(2))),
);

export const fiscalSchema = z.object({
  fiscal_income: euros,
  tax_shares: z.preprocess(
    trimmed,
    z
      .string()
      .refine(
        (v) =>
          v === "" ||
          (/^\d{1,2}(?:[.,]\d{1,2})?$/.test(v) &&
            Number(v.replace(",", ".")) > 0 &&
            Number(v.replace(",", ".")) <= 20),
        "Nombre de parts invalide (exemple : 2,5).",
      )
      .transform((v) => (v === "" ? null : Number(v.replace(",", ".")))),
  ),
});

export const bancaireSchema = z.object({
  iban: z.preprocess(
    (v) => electronicFormatIBAN(trimmed(v)) ?? "",
    z
      .string()
      .min(1, REQUIRED)
      .refine((v) => isValidIBAN(v), "IBAN invalide : vérifiez les caractères saisis."),
  ),
  bic: z.preprocess(
    (v) => trimmed(v).replace(/\s/g, "").toUpperCase(),
    z
      .string()
      .min(1, REQUIRED)
      .refine((v) => isValidBIC(v), "BIC invalide (8 ou 11 caractères)."),
  ),
  account_holder: requiredText(100),
  password: z.string().min(1, "Saisissez votre mot de passe pour confirmer."),
});
