import { z } from "zod";
import { isRealDate, parisToday } from "../../lib/form-fields.ts";

// An optional field left out of the post (or a field an older form did not have) reads as empty.
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `${max} caractères au maximum.`)
    .optional()
    .transform((v) => v || null);
const required = (max: number, message: string) =>
  z.string().trim().min(1, message).max(max, `${max} caractères au maximum.`);
const phone = (message: string) =>
  z
    .string()
    .trim()
    .refine((v) => v === "" || /^\+?[0-9][0-9 .-]{8,18}[0-9]$/.test(v), message)
    .optional()
    .transform((v) => v || null);
const yesNo = z.enum(["oui", "non"], { error: "Répondez par oui ou par non." });

const birthDate = z
  .string()
  .trim()
  .refine(isRealDate, "Indiquez une date valide (jj/mm/aaaa).")
  .refine((v) => v <= parisToday(), "La date de naissance ne peut pas être dans le futur.")
  .refine(
    (v) => v >= `${Number(parisToday().slice(0, 4)) - 25}${parisToday().slice(4)}`,
    "L'enfant doit avoir moins de 25 ans.",
  );

/** Identity and school: « Ajouter un enfant » and « Données complémentaires ». */
export const childSchema = z.object({
  first_name: required(80, "Indiquez le prénom."),
  last_name: required(80, "Indiquez le nom."),
  birth_date: birthDate,
  sex: z.enum(["M", "F"], { error: "Choisissez le sexe." }),
  school: text(120),
  class_level: text(40),
});

/** Vaccination rows of the medical form: vaccine_name_0…9 and vaccine_date_0…9. */
export const MAX_VACCINES = 10;
export interface Vaccination {
  name: string;
  date: string;
}

// The engine keeps one string per field. Vaccinations travel as readable text,
// « DTP (02/05/2023) ; ROR (01/10/2018) », rather than JSON: staff read it as such in
// « Demandes à traiter » and parents in their pending request. Names may not hold ";".
const VACCINE = /^(.+) \((\d{2})\/(\d{2})\/(\d{4})\)$/;

export function vaccinationsText(rows: Vaccination[]): string {
  return rows.map((r) => `${r.name} (${r.date.split("-").reverse().join("/")})`).join(" ; ");
}

export function parseVaccinations(text: string | null | undefined): Vaccination[] {
  return (text ?? "")
    .split(" ; ")
    .map((part) => part.match(VACCINE))
    .filter((m) => m !== null)
    .map(([, name, d, m, y]) => ({ name: name as string, date: `${y}-${m}-${d}` }));
}

function vaccinations(values: Record<string, string>, ctx: z.RefinementCtx): Vaccination[] {
  const rows: Vaccination[] = [];
  for (let i = 0; i < MAX_VACCINES; i++) {
    const name = (values[`vaccine_name_${i}`] ?? "").trim();
    const date = (values[`vaccine_date_${i}`] ?? "").trim();
    if (!name && !date) continue;
    const issue = (field: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [`${field}_${i}`], message });
    if (!name) issue("vaccine_name", "Indiquez le nom du vaccin.");
    else if (name.length > 80) issue("vaccine_name", "80 caractères au maximum.");
    else if (name.includes(";")) issue("vaccine_name", "Le point-virgule n'est pas accepté.");
    if (!isRealDate(date)) issue("vaccine_date", "Indiquez une date valide (jj/mm/aaaa).");
    else if (date > parisToday()) issue("vaccine_date", "La date ne peut pas être dans le futur.");
    rows.push({ name, date });
  }
  return rows;
}

/** « Renseignements médicaux »; vaccinations reach the engine as one text value. */
export const healthSchema = z
  .looseObject({
    doctor_name: text(120),
    doctor_phone: phone("Indiquez un numéro de téléphone valide (10 chiffres)."),
    allergies_food: text(500),
    allergies_medication: text(500),
    allergies_other: text(500),
    pai: yesNo,
    diet: text(200),
    treatments: text(500),
    glasses: yesNo,
    hearing_aid: yesNo,
    remarks: text(1000),
  })
  .transform((v, ctx) => {
    const rows = vaccinations(v as Record<string, string>, ctx);
    const { doctor_name, doctor_phone, allergies_food, allergies_medication, allergies_other } = v;
    const { pai, diet, treatments, glasses, hearing_aid, remarks } = v;
    return {
      doctor_name,
      doctor_phone,
      vaccinations: vaccinationsText(rows),
      allergies_food,
      allergies_medication,
      allergies_other,
      pai,
      diet,
      treatments,
      glasses,
      hearing_aid,
      remarks,
    };
  });

/** One « Personne autorisée ». */
export const personSchema = z.object({
  first_name: required(80, "Indiquez le prénom."),
  last_name: required(80, "Indiquez le nom."),
  relationship: text(60),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 .-]{8,18}[0-9]$/, "Indiquez un numéro de téléphone valide (10 chiffres)."),
  phone_other: phone("Indiquez un numéro de téléphone valide (10 chiffres)."),
  can_pick_up: yesNo,
  emergency_contact: yesNo,
  is_minor: yesNo,
});

/** « Autorisations »: one oui/non answer per consent the town asks. */
export function consentsSchema(keys: string[]) {
  return z.object(Object.fromEntries(keys.map((k) => [k, yesNo])));
}
