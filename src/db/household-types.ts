import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface HouseholdsTable {
  tenant_id: string;
  id: Generated<string>;
  number: string;
  name: string;
  created_at: Generated<Date>;
  address_line: string | null;
  postal_code: string | null;
  city: string | null;
  phone_main: string | null;
  phone_other: string | null;
  caf_regime: "CAF" | "MSA" | "AUTRE" | null;
  caf_number: string | null;
  family_quotient: number | null;
  children_count: number | null;
  dependent_children: number | null;
  /** bigint: pg returns it as a string. */
  fiscal_income_cents: ColumnType<string | null, number | string | null, number | string | null>;
  /** numeric: pg returns it as a string. */
  tax_shares: ColumnType<string | null, number | string | null, number | string | null>;
  iban: string | null;
  bic: string | null;
  account_holder: string | null;
  updated_at: Timestamp;
  /** Issue 16: the retention job erased the file (invoices and payments kept). */
  erased_at: NullableTimestamp;
}

export interface GuardiansTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  user_id: string | null;
  rank: 1 | 2;
  civility: string | null;
  last_name: string;
  first_name: string;
  birth_date: ColumnType<string | null, string | null, string | null>;
  sex: "M" | "F" | null;
  relationship: string | null;
  situation: string | null;
  address_line: string | null;
  postal_code: string | null;
  city: string | null;
  email: string | null;
  phone_home: string | null;
  phone_mobile: string | null;
  phone_work: string | null;
  profession: string | null;
  employer: string | null;
  employer_address: string | null;
  consent_email: Generated<boolean>;
  consent_sms: Generated<boolean>;
  updated_at: Timestamp;
}

export interface ChildrenTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  first_name: string;
  last_name: string;
  birth_date: ColumnType<string, string, string>;
  sex: "M" | "F" | null;
  school: string | null;
  class_level: string | null;
  photo: Buffer | null;
  photo_type: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface HealthRecordsTable {
  tenant_id: string;
  child_id: string;
  household_id: string;
  doctor_name: string | null;
  doctor_phone: string | null;
  vaccinations: ColumnType<{ name: string; date: string }[], string | undefined, string>;
  allergies_food: string | null;
  allergies_medication: string | null;
  allergies_other: string | null;
  pai: Generated<boolean>;
  diet: string | null;
  treatments: string | null;
  glasses: Generated<boolean>;
  hearing_aid: Generated<boolean>;
  remarks: string | null;
  updated_at: Timestamp;
}

export interface AuthorisedPersonsTable {
  tenant_id: string;
  id: Generated<string>;
  child_id: string;
  household_id: string;
  last_name: string;
  first_name: string;
  relationship: string | null;
  phone: string;
  phone_other: string | null;
  can_pick_up: Generated<boolean>;
  emergency_contact: Generated<boolean>;
  is_minor: Generated<boolean>;
}

export interface ChildConsentsTable {
  tenant_id: string;
  child_id: string;
  household_id: string;
  key: string;
  granted: boolean;
  answered_at: Timestamp;
}

export interface ChangeRequestsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  section: string;
  target_id: string | null;
  current_values: ColumnType<Record<string, unknown>, string, string>;
  proposed_values: ColumnType<Record<string, unknown>, string, string>;
  status: Generated<"pending" | "accepted" | "refused" | "withdrawn">;
  reason: string | null;
  created_by: string;
  created_at: Generated<Date>;
  decided_by: string | null;
  decided_at: NullableTimestamp;
}

export interface DocumentsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  child_id: string | null;
  type: string;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  content: Buffer;
  state: Generated<"deposited" | "validated" | "refused">;
  reason: string | null;
  /** date: kept as "YYYY-MM-DD". */
  valid_until: ColumnType<string | null, string | null | undefined, string | null>;
  uploaded_by: string;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

/** One child of a pre-registration, as typed on the public form. */
export interface PreregisteredChild {
  first_name: string;
  last_name: string;
  /** "YYYY-MM-DD". */
  birth_date: string;
  school: string | null;
  class_level: string | null;
}

export interface PreregistrationsTable {
  tenant_id: string;
  id: Generated<string>;
  civility: "M." | "Mme";
  last_name: string;
  first_name: string;
  email: string;
  phone: string;
  address_line: string;
  postal_code: string;
  city: string;
  other_last_name: string | null;
  other_first_name: string | null;
  other_phone: string | null;
  children: ColumnType<PreregisteredChild[], string, string>;
  status: Generated<"pending" | "accepted" | "refused">;
  reason: string | null;
  created_at: Generated<Date>;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  household_id: string | null;
}

/** The household slice's tables: households, their guardians and children, documents, requests. */
export interface HouseholdTables {
  households: HouseholdsTable;
  guardians: GuardiansTable;
  children: ChildrenTable;
  health_records: HealthRecordsTable;
  authorised_persons: AuthorisedPersonsTable;
  child_consents: ChildConsentsTable;
  change_requests: ChangeRequestsTable;
  documents: DocumentsTable;
  preregistrations: PreregistrationsTable;
}
