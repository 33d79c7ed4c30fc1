import { syncUserName } from "../../auth/parent-users-service.ts";
import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import { GUARDIAN_FIELDS } from "../completeness/service.ts";
import type { SectionHandler, Values } from "../requests/service.ts";
import * as householdRepo from "./repo.ts";

// A guardian's columns carry the labels of the town's mandatory choices, plus the name.
const { civility, email, ...contact } = GUARDIAN_FIELDS;
const PERSON_FIELDS = { civility, last_name: "Nom", first_name: "Prénom", ...contact };

const pick = (row: Record<string, unknown> | undefined, fields: Record<string, string>): Values | null =>
  row ? Object.fromEntries(Object.keys(fields).map((k) => [k, (row[k] ?? null) as Values[string]])) : null;

const RESPONSABLE_FIELDS = {
  ...PERSON_FIELDS,
  consent_email: "Accepte de recevoir des e-mails",
  consent_sms: "Accepte de recevoir des SMS",
};
const CONJOINT_FIELDS = { ...PERSON_FIELDS, email };

type GuardianRow = NonNullable<Awaited<ReturnType<typeof householdRepo.guardian>>>;

/** Writes the guardian's values, and the name on their account (if any) with them. */
async function updateGuardian(trx: Trx, g: GuardianRow, values: Values) {
  await householdRepo.updateGuardian(trx, g.id, values);
  if (g.user_id) await syncUserName(trx, g.user_id, values);
  return g.id;
}

/** The section of the household's guardian of that rank: read, and changed by `apply`. */
function guardianSection(
  rank: 1 | 2,
  label: string,
  fields: Record<string, string>,
  apply: (trx: Trx, householdId: string, values: Values, g: GuardianRow | undefined) => Promise<string>,
): SectionHandler {
  return {
    label,
    fields,
    entity: "guardians",
    async read(trx, householdId) {
      return pick(await householdRepo.guardian(trx, householdId, rank), fields);
    },
    async apply(trx, householdId, _targetId, values) {
      return apply(trx, householdId, values, await householdRepo.guardian(trx, householdId, rank));
    },
  };
}

const responsable = guardianSection(
  1,
  "Informations responsable",
  RESPONSABLE_FIELDS,
  (trx, _h, values, me) => {
    if (!me) throw notFound();
    return updateGuardian(trx, me, values);
  },
);

/** « Autre responsable »: added, changed, or removed (every value emptied). */
const conjoint = guardianSection(
  2,
  "Informations conjoint",
  CONJOINT_FIELDS,
  async (trx, householdId, values, partner) => {
    if (!partner) return householdRepo.insertGuardian(trx, householdId, 2, values);
    if (values.last_name === null) {
      await householdRepo.deleteGuardian(trx, partner.id);
      return partner.id;
    }
    return updateGuardian(trx, partner, values);
  },
);

/** A section stored in columns of the household row. */
function householdSection(
  label: string,
  fields: Record<string, string>,
  options: { sensitive?: boolean } = {},
): SectionHandler {
  return {
    label,
    fields,
    entity: "households",
    ...options,
    async read(trx, householdId) {
      const keys = Object.keys(fields) as householdRepo.HouseholdColumn[];
      return pick(await householdRepo.household(trx, householdId, keys), fields);
    },
    async apply(trx, householdId, _targetId, values) {
      await householdRepo.updateHousehold(trx, householdId, values);
      return householdId;
    },
  };
}

/** Cents in the database, « 23456.78 » euros in the section (what staff read in a request). */
const centsToEuros = (cents: string | number) => {
  const n = BigInt(cents);
  return `${n / 100n}.${String(n % 100n).padStart(2, "0")}`;
};
const eurosToCents = (euros: string) => {
  const [units = "0", decimals = "0"] = euros.split(".");
  return (BigInt(units) * 100n + BigInt(decimals.padEnd(2, "0"))).toString();
};

const fiscal: SectionHandler = {
  label: "Informations fiscales",
  fields: { fiscal_income: "Revenu fiscal de référence (€)", tax_shares: "Nombre de parts" },
  entity: "households",
  async read(trx: Trx, householdId: string) {
    const row = await householdRepo.household(trx, householdId, ["fiscal_income_cents", "tax_shares"]);
    if (!row) return null;
    return {
      fiscal_income: row.fiscal_income_cents === null ? null : centsToEuros(row.fiscal_income_cents),
      tax_shares: row.tax_shares === null ? null : Number(row.tax_shares),
    };
  },
  async apply(trx, householdId, _targetId, values) {
    const set: Values = {};
    if ("tax_shares" in values) set.tax_shares = values.tax_shares ?? null;
    if ("fiscal_income" in values)
      set.fiscal_income_cents =
        values.fiscal_income === null ? null : eurosToCents(String(values.fiscal_income));
    await householdRepo.updateHousehold(trx, householdId, set);
    return householdId;
  },
};

export const householdSections: Partial<Record<Section, SectionHandler>> = {
  responsable,
  conjoint,
  coordonnees: householdSection("Coordonnées", {
    address_line: "Adresse",
    postal_code: "Code postal",
    city: "Ville",
    phone_main: "Téléphone principal",
    phone_other: "Téléphone secondaire",
  }),
  caf: householdSection("Informations CAF", {
    caf_regime: "Organisme (CAF, MSA ou autre)",
    caf_number: "N° allocataire",
    family_quotient: "Quotient familial",
    children_count: "Nombre d'enfants",
    dependent_children: "Nombre d'enfants à charge",
  }),
  fiscal,
  bancaire: householdSection(
    "Informations bancaires",
    { iban: "IBAN", bic: "BIC", account_holder: "Titulaire du compte" },
    { sensitive: true },
  ),
};
