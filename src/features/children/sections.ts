import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { householdFileSchema, type Section } from "../../tenancy/config-schema.ts";
import type { SectionHandler, Values } from "../requests/service.ts";
import * as childrenRepo from "./repo.ts";
import { parseVaccinations, vaccinationsText } from "./schemas.ts";

// Yes/no answers travel as "oui"/"non": they read well in « Liste des demandes » and in the
// staff's old → new display, where true/false would not.
const yesNo = (b: boolean) => (b ? "oui" : "non");
const isYes = (v: unknown) => v === "oui";
const str = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));

/** Keeps only the keys present in values (the engine passes the changed fields only). */
function patchOf<T>(values: Values, map: Record<string, (v: unknown) => unknown>) {
  return Object.fromEntries(
    Object.keys(values)
      .filter((k) => k in map)
      .map((k) => [k, (map[k] as (v: unknown) => unknown)(values[k])]),
  ) as T;
}

const IDENTITY_FIELDS = {
  first_name: "Prénom",
  last_name: "Nom",
  birth_date: "Date de naissance",
  sex: "Sexe",
  school: "École",
  class_level: "Classe",
};
const identityMap = {
  first_name: String,
  last_name: String,
  birth_date: String,
  sex: (v: unknown) => (v === "M" || v === "F" ? v : null),
  school: str,
  class_level: str,
};

async function readIdentity(trx: Trx, householdId: string, targetId: string | null) {
  if (!targetId) return null;
  const child = await childrenRepo.findChild(trx, householdId, targetId);
  if (!child) return null;
  const { id: _id, ...values } = child;
  return values;
}

const ajoutEnfant: SectionHandler = {
  label: "Ajout d'enfant",
  fields: IDENTITY_FIELDS,
  entity: "children",
  read: async () => null,
  apply: (trx, householdId, _targetId, values) =>
    childrenRepo.insertChild(trx, householdId, patchOf<childrenRepo.ChildRow>(values, identityMap)),
};

const donneesComplementaires: SectionHandler = {
  label: "Données complémentaires",
  fields: IDENTITY_FIELDS,
  entity: "children",
  read: readIdentity,
  async apply(trx, householdId, targetId, values) {
    if (!targetId) throw notFound();
    await childrenRepo.updateChild(trx, householdId, targetId, patchOf(values, identityMap));
    return targetId;
  },
};

const HEALTH_TEXT = [
  "doctor_name",
  "doctor_phone",
  "allergies_food",
  "allergies_medication",
  "allergies_other",
  "diet",
  "treatments",
  "remarks",
] as const;
const HEALTH_FLAGS = ["pai", "glasses", "hearing_aid"] as const;
const healthMap: Record<string, (v: unknown) => unknown> = {
  ...Object.fromEntries(HEALTH_TEXT.map((k) => [k, str])),
  ...Object.fromEntries(HEALTH_FLAGS.map((k) => [k, isYes])),
  vaccinations: (v) => JSON.stringify(parseVaccinations(str(v))),
};

/** The French label of each column of a child's health record. */
export const HEALTH_FIELDS = {
  doctor_name: "Médecin traitant",
  doctor_phone: "Téléphone du médecin",
  vaccinations: "Vaccinations",
  allergies_food: "Allergies alimentaires",
  allergies_medication: "Allergies médicamenteuses",
  allergies_other: "Autres allergies",
  pai: "PAI",
  diet: "Régime alimentaire",
  treatments: "Traitements",
  glasses: "Lunettes",
  hearing_aid: "Appareil auditif",
  remarks: "Remarques",
};

const donneesSanitaires: SectionHandler = {
  label: "Données sanitaires",
  fields: HEALTH_FIELDS,
  entity: "health_records",
  sensitive: true,
  async read(trx, householdId, targetId) {
    if (!targetId || !(await childrenRepo.findChild(trx, householdId, targetId))) return null;
    const h = await childrenRepo.findHealth(trx, householdId, targetId);
    const values: Values = { vaccinations: vaccinationsText(h?.vaccinations ?? []) };
    for (const k of HEALTH_TEXT) values[k] = h?.[k] ?? null;
    for (const k of HEALTH_FLAGS) values[k] = yesNo(h?.[k] ?? false);
    return values;
  },
  async apply(trx, householdId, targetId, values) {
    if (!targetId) throw notFound();
    await childrenRepo.upsertHealth(trx, householdId, targetId, patchOf(values, healthMap));
    return targetId;
  },
};

const DEFAULT_CONSENT_LABELS = Object.fromEntries(
  householdFileSchema.parse({}).consents.map((c) => [c.key, c.label]),
);

const autorisations: SectionHandler = {
  label: "Autorisations",
  // The town's own consent labels are shown on the child's page; these cover the defaults.
  fields: DEFAULT_CONSENT_LABELS,
  entity: "child_consents",
  async read(trx, householdId, targetId) {
    if (!targetId || !(await childrenRepo.findChild(trx, householdId, targetId))) return null;
    const rows = await childrenRepo.listConsents(trx, householdId, targetId);
    return Object.fromEntries(rows.map((r) => [r.key, yesNo(r.granted)]));
  },
  async apply(trx, householdId, targetId, values) {
    if (!targetId) throw notFound();
    for (const [key, answer] of Object.entries(values))
      await childrenRepo.upsertConsent(trx, householdId, targetId, key, isYes(answer));
    return targetId;
  },
};

const personMap = {
  first_name: String,
  last_name: String,
  relationship: str,
  phone: String,
  phone_other: str,
  can_pick_up: isYes,
  emergency_contact: isYes,
  is_minor: isYes,
};

/**
 * One authorised person per change: targetId is the person (edit, or removal when the
 * "supprimer" field turns "oui"), or null to add one to the child named by "child_id".
 * Targeting the person, not the child, makes each edit or removal its own request that staff
 * accept or refuse, pending per person; additions share the null target, so a household has
 * one pending addition at a time (a new one replaces it), as with « Ajout d'enfant ».
 */
const personnesAutorisees: SectionHandler = {
  label: "Personnes autorisées",
  fields: {
    child_id: "Enfant (identifiant)",
    first_name: "Prénom",
    last_name: "Nom",
    relationship: "Lien avec l'enfant",
    phone: "Téléphone",
    phone_other: "Autre téléphone",
    can_pick_up: "Peut venir chercher l'enfant",
    emergency_contact: "À appeler en cas d'urgence",
    is_minor: "Mineur",
    supprimer: "Suppression",
  },
  entity: "authorised_persons",
  async read(trx, householdId, targetId) {
    if (!targetId) return null;
    const p = await childrenRepo.findPerson(trx, householdId, targetId);
    if (!p) return null;
    const { id: _id, can_pick_up, emergency_contact, is_minor, ...rest } = p;
    return {
      ...rest,
      can_pick_up: yesNo(can_pick_up),
      emergency_contact: yesNo(emergency_contact),
      is_minor: yesNo(is_minor),
      supprimer: "non",
    };
  },
  async apply(trx, householdId, targetId, values) {
    const patch = patchOf<childrenRepo.PersonPatch>(values, personMap);
    if (targetId && values.supprimer === "oui") await childrenRepo.deletePerson(trx, householdId, targetId);
    else if (targetId) await childrenRepo.updatePerson(trx, householdId, targetId, patch);
    else {
      const child = await childrenRepo.findChild(trx, householdId, String(values.child_id));
      if (!child) throw notFound();
      return childrenRepo.insertPerson(
        trx,
        householdId,
        child.id,
        patch as Required<childrenRepo.PersonPatch>,
      );
    }
    return targetId;
  },
};

export const childSections: Partial<Record<Section, SectionHandler>> = {
  ajout_enfant: ajoutEnfant,
  donnees_complementaires: donneesComplementaires,
  donnees_sanitaires: donneesSanitaires,
  autorisations,
  personnes_autorisees: personnesAutorisees,
};
