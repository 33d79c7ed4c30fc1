import type { z } from "zod";
import type { Section } from "../../tenancy/config-schema.ts";
import * as schemas from "./schemas.ts";

export interface FieldDef {
  name: string;
  label: string;
  kind: "text" | "email" | "tel" | "date" | "select" | "checkbox" | "password";
  options?: { value: string; label: string }[];
  autocomplete?: string;
  required?: boolean;
  hint?: string;
}

export interface FormDef {
  section: Section;
  path: string;
  back: string;
  title: string;
  schema: z.ZodType;
  fieldsets: { legend: string; fields: FieldDef[] }[];
}

const f = (name: string, label: string, kind: FieldDef["kind"] = "text", extra: Partial<FieldDef> = {}) => ({
  name,
  label,
  kind,
  ...extra,
});

const CIVILITY = f("civility", "Civilité", "select", {
  options: [
    { value: "M.", label: "Monsieur" },
    { value: "Mme", label: "Madame" },
  ],
  autocomplete: "honorific-prefix",
});
const SEX = f("sex", "Sexe", "select", {
  options: [
    { value: "M", label: "Masculin" },
    { value: "F", label: "Féminin" },
  ],
});
const PHONE_HINT = "Exemple : 06 12 34 56 78";

const identity = (own: boolean) => ({
  legend: "Informations personnelles",
  fields: [
    CIVILITY,
    f("last_name", "Nom", "text", { required: true, autocomplete: own ? "family-name" : "off" }),
    f("first_name", "Prénom", "text", { required: true, autocomplete: own ? "given-name" : "off" }),
    f("birth_date", "Date de naissance", "date", { autocomplete: own ? "bday" : "off" }),
    SEX,
  ],
});

const address = (own: boolean) => [
  f("address_line", "Adresse (n° et rue)", "text", { autocomplete: own ? "street-address" : "off" }),
  f("postal_code", "Code postal", "text", { autocomplete: own ? "postal-code" : "off" }),
  f("city", "Ville", "text", { autocomplete: own ? "address-level2" : "off" }),
];

const professional = {
  legend: "Informations professionnelles",
  fields: [
    f("profession", "Profession"),
    f("employer", "Employeur"),
    f("employer_address", "Adresse de l'employeur"),
    f("phone_work", "Téléphone professionnel", "tel", { hint: PHONE_HINT }),
  ],
};

const phones = [
  f("phone_home", "Téléphone domicile", "tel", { hint: PHONE_HINT }),
  f("phone_mobile", "Téléphone portable", "tel", { hint: PHONE_HINT }),
];

export const profileForm: FormDef = {
  section: "responsable",
  path: "/profil/modifier",
  back: "/profil",
  title: "Modifier mes informations",
  schema: schemas.responsableSchema,
  fieldsets: [
    identity(true),
    { legend: "Coordonnées", fields: [...address(true), ...phones] },
    professional,
    {
      legend: "Préférences de contact",
      fields: [
        f("consent_email", "J'accepte de recevoir des informations de la commune par e-mail", "checkbox"),
        f("consent_sms", "J'accepte de recevoir des informations de la commune par SMS", "checkbox"),
      ],
    },
  ],
};

/** « Mon profil » of the other guardian invited to their own login: their row, rank 2. */
export const partnerProfileForm: FormDef = {
  ...profileForm,
  section: "conjoint",
  schema: schemas.partnerProfileSchema,
  fieldsets: profileForm.fieldsets.slice(0, 3),
};

/** The forms of « Mon foyer », by the last segment of their path. */
export const foyerForms: Record<string, FormDef> = {
  "autre-responsable": {
    section: "conjoint",
    path: "/foyer/autre-responsable",
    back: "/foyer",
    title: "Autre responsable",
    schema: schemas.conjointSchema,
    fieldsets: [
      identity(false),
      {
        legend: "Coordonnées",
        fields: [
          ...address(false),
          f("email", "Adresse e-mail", "email", { autocomplete: "off" }),
          ...phones,
        ],
      },
      professional,
    ],
  },
  coordonnees: {
    section: "coordonnees",
    path: "/foyer/coordonnees",
    back: "/foyer",
    title: "Coordonnées du foyer",
    schema: schemas.coordonneesSchema,
    fieldsets: [
      {
        legend: "Adresse de correspondance et téléphones",
        fields: [
          ...address(true),
          f("phone_main", "Téléphone principal", "tel", { hint: PHONE_HINT, autocomplete: "tel" }),
          f("phone_other", "Téléphone secondaire", "tel", { hint: PHONE_HINT }),
        ],
      },
    ],
  },
  "informations-complementaires": {
    section: "caf",
    path: "/foyer/informations-complementaires",
    back: "/foyer",
    title: "Informations complémentaires",
    schema: schemas.cafSchema,
    fieldsets: [
      {
        legend: "Allocations familiales",
        fields: [
          f("caf_regime", "Organisme", "select", {
            options: schemas.CAF_REGIMES.map((v) => ({ value: v, label: v === "AUTRE" ? "Autre" : v })),
          }),
          f("caf_number", "N° allocataire"),
          f("family_quotient", "Quotient familial", "text", { hint: "Nombre entier, sans le signe €" }),
          f("children_count", "Nombre d'enfants"),
          f("dependent_children", "Nombre d'enfants à charge"),
        ],
      },
    ],
  },
  "informations-fiscales": {
    section: "fiscal",
    path: "/foyer/informations-fiscales",
    back: "/foyer",
    title: "Informations fiscales",
    schema: schemas.fiscalSchema,
    fieldsets: [
      {
        legend: "Avis d'imposition",
        fields: [
          f("fiscal_income", "Revenu fiscal de référence (€)", "text", { hint: "Exemple : 23456,78" }),
          f("tax_shares", "Nombre de parts", "text", { hint: "Exemple : 2,5" }),
        ],
      },
    ],
  },
  "coordonnees-bancaires": {
    section: "bancaire",
    path: "/foyer/coordonnees-bancaires",
    back: "/foyer",
    title: "Coordonnées bancaires",
    schema: schemas.bancaireSchema,
    fieldsets: [
      {
        legend: "Compte pour le prélèvement automatique",
        fields: [
          f("iban", "IBAN", "text", {
            required: true,
            autocomplete: "off",
            hint: "Exemple : FR76 3000 6000 0112 3456 7890 189",
          }),
          f("bic", "BIC", "text", { required: true, autocomplete: "off", hint: "8 ou 11 caractères" }),
          f("account_holder", "Titulaire du compte", "text", { required: true }),
        ],
      },
      {
        legend: "Confirmation",
        fields: [
          f("password", "Mot de passe (pour confirmer)", "password", {
            required: true,
            autocomplete: "current-password",
          }),
        ],
      },
    ],
  },
};
