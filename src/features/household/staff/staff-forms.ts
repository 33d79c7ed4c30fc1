import { type FormDef, foyerForms, profileForm } from "../forms.ts";
import { bancaireSchema } from "../schemas.ts";

const bank = foyerForms["coordonnees-bancaires"] as FormDef;

/** The parent's forms the staff may fill for a household, by the last segment of their path. */
const FORMS: Record<string, FormDef> = {
  responsable: {
    ...profileForm,
    title: "Responsable du foyer",
    fieldsets: profileForm.fieldsets.map((fs) => ({
      ...fs,
      fields: fs.fields.map((f) => ({ ...f, label: f.label.replace(/^J'accepte/, "Accepte") })),
    })),
  },
  "autre-responsable": foyerForms["autre-responsable"] as FormDef,
  coordonnees: foyerForms.coordonnees as FormDef,
  "informations-complementaires": foyerForms["informations-complementaires"] as FormDef,
  "informations-fiscales": foyerForms["informations-fiscales"] as FormDef,
  // Staff are authenticated already: no password asked; IBAN and BIC checked all the same.
  bancaire: {
    ...bank,
    schema: bancaireSchema.omit({ password: true }),
    fieldsets: bank.fieldsets.filter((fs) => fs.fields.every((fd) => fd.kind !== "password")),
  },
};

/** The form, posting to and coming back to the household's file; undefined for an unknown one. */
export function staffForm(key: string, householdId: string): FormDef | undefined {
  const form = Object.hasOwn(FORMS, key) ? FORMS[key] : undefined;
  if (!form) return undefined;
  const base = `/agents/foyers/${householdId}`;
  return { ...form, path: `${base}/${key}`, back: base };
}
