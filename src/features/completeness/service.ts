import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import * as documentsService from "../documents/service.ts";

/** One mandatory piece of the household file still empty, and the page where to fill it. */
export interface MissingItem {
  label: string;
  href: string;
}

// The fields a town may declare mandatory (tenants/*.yaml householdFile.mandatory), by table.
export const GUARDIAN_FIELDS = {
  civility: "Civilité",
  birth_date: "Date de naissance",
  sex: "Sexe",
  address_line: "Adresse",
  postal_code: "Code postal",
  city: "Ville",
  email: "Adresse e-mail",
  phone_home: "Téléphone domicile",
  phone_mobile: "Téléphone portable",
  phone_work: "Téléphone professionnel",
  profession: "Profession",
  employer: "Employeur",
  employer_address: "Adresse de l'employeur",
} as const;

export const HOUSEHOLD_FIELDS = {
  address_line: "Adresse du foyer",
  postal_code: "Code postal du foyer",
  city: "Ville du foyer",
  phone_main: "Téléphone du foyer",
  caf_regime: "Régime (CAF ou MSA)",
  caf_number: "N° allocataire",
  family_quotient: "Quotient familial",
  children_count: "Nombre d'enfants",
  dependent_children: "Nombre d'enfants à charge",
  fiscal_income_cents: "Revenu fiscal de référence",
  tax_shares: "Nombre de parts",
  iban: "IBAN",
  bic: "BIC",
  account_holder: "Titulaire du compte",
} as const;

export const CHILD_FIELDS = { sex: "Sexe", school: "École", class_level: "Classe" } as const;
export const HEALTH_FIELDS = {
  doctor_name: "Médecin traitant",
  doctor_phone: "Téléphone du médecin",
} as const;

const empty = (v: unknown) => v === null || v === undefined || String(v).trim() === "";

/** The configured fields a table knows, in the town's order (an unknown key is a config error). */
function known<T extends Record<string, string>>(fields: string[], labels: T): (keyof T & string)[] {
  return fields.filter((f): f is keyof T & string => f in labels);
}

/** The mandatory fields of one row (read by `read`, with only those) that it leaves empty. */
async function emptyFields<T extends Record<string, string>>(
  mandatory: string[],
  labels: T,
  read: (fields: (keyof T & string)[]) => Promise<Record<string, unknown> | undefined>,
) {
  const fields = known(mandatory, labels);
  if (!fields.length) return [];
  const row = await read(fields);
  return fields.filter((f) => empty(row?.[f]));
}

async function guardianItems(trx: Trx, tenant: Tenant, householdId: string): Promise<MissingItem[]> {
  const { guardian } = tenant.config.householdFile.mandatory;
  const missing = await emptyFields(guardian, GUARDIAN_FIELDS, (fields) =>
    trx
      .selectFrom("guardians")
      .select(fields)
      .where("household_id", "=", householdId)
      .where("rank", "=", 1)
      .executeTakeFirst(),
  );
  return missing.map((f) => ({ label: `${GUARDIAN_FIELDS[f]} (Moi)`, href: "/profil" }));
}

async function householdItems(trx: Trx, tenant: Tenant, householdId: string): Promise<MissingItem[]> {
  const { household } = tenant.config.householdFile.mandatory;
  const missing = await emptyFields(household, HOUSEHOLD_FIELDS, (fields) =>
    trx.selectFrom("households").select(fields).where("id", "=", householdId).executeTakeFirst(),
  );
  return missing.map((f) => ({ label: HOUSEHOLD_FIELDS[f], href: "/foyer" }));
}

async function childItems(
  trx: Trx,
  tenant: Tenant,
  householdId: string,
  childId?: string,
): Promise<MissingItem[]> {
  const mandatory = tenant.config.householdFile.mandatory.child;
  const own = known(mandatory, CHILD_FIELDS);
  const health = known(mandatory, HEALTH_FIELDS);
  if (!own.length && !health.length) return [];
  let query = trx
    .selectFrom("children as c")
    .leftJoin("health_records as h", (j) => j.onRef("h.child_id", "=", "c.id"))
    .select([
      "c.id",
      "c.first_name",
      ...own.map((f) => `c.${f}` as const),
      ...health.map((f) => `h.${f}` as const),
    ])
    .where("c.household_id", "=", householdId)
    .orderBy("c.birth_date")
    .orderBy("c.first_name");
  if (childId) query = query.where("c.id", "=", childId);
  const rows = (await query.execute()) as (Record<string, unknown> & { id: string; first_name: string })[];
  const labels: Record<string, string> = { ...CHILD_FIELDS, ...HEALTH_FIELDS };
  return rows.flatMap((child) =>
    [...own, ...health]
      .filter((f) => empty(child[f]))
      .map((f) => ({ label: `${labels[f]} (${child.first_name})`, href: `/enfants/${child.id}` })),
  );
}

/** The town's mandatory documents with none « déposé » or « validé »: one per household or per child. */
async function documentItems(
  trx: Trx,
  tenant: Tenant,
  householdId: string,
  childId?: string,
): Promise<MissingItem[]> {
  const { mandatory, documents } = tenant.config.householdFile;
  const types = mandatory.documents.flatMap((key) => documents.types.filter((t) => t.key === key));
  if (!types.length) return [];
  const held = await documentsService.acceptableDocuments(trx, householdId);
  const lacks = (type: string, child: string | null) =>
    !held.some((d) => d.type === type && d.childId === child);
  const items = types
    .filter((t) => t.scope === "household" && lacks(t.key, null))
    .map((t) => ({ label: t.label, href: "/documents" }));
  const perChild = types.filter((t) => t.scope === "child");
  if (!perChild.length) return items;
  let query = trx
    .selectFrom("children")
    .select(["id", "first_name"])
    .where("household_id", "=", householdId)
    .orderBy("birth_date")
    .orderBy("first_name");
  if (childId) query = query.where("id", "=", childId);
  for (const child of await query.execute())
    for (const t of perChild.filter((t) => lacks(t.key, child.id)))
      items.push({ label: `${t.label} (${child.first_name})`, href: "/documents" });
  return items;
}

async function collect(trx: Trx, tenant: Tenant, householdId: string, childId?: string) {
  return [
    ...(await guardianItems(trx, tenant, householdId)),
    ...(await householdItems(trx, tenant, householdId)),
    ...(await childItems(trx, tenant, householdId, childId)),
    ...(await documentItems(trx, tenant, householdId, childId)),
  ];
}

/** What the town requires and the household has not filled yet (« formulaire utilisateur incomplet »). */
export function missingItems(trx: Trx, tenant: Tenant, householdId: string): Promise<MissingItem[]> {
  return collect(trx, tenant, householdId);
}

/** Whether the household (and, when given, only that child) may book: nothing mandatory is missing. */
export async function canBook(
  trx: Trx,
  tenant: Tenant,
  householdId: string,
  childId?: string,
): Promise<{ ok: boolean; missing: MissingItem[] }> {
  const missing = await collect(trx, tenant, householdId, childId);
  return { ok: missing.length === 0, missing };
}
