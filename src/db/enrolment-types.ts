import type { ColumnType, Generated } from "kysely";
import type { ChildServiceRow } from "./planning-types.ts";

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type EnrolmentStatus = "pending" | "accepted" | "refused" | "waiting" | "withdrawn" | "ended";
export type EnrolmentMode = "regular" | "a_la_carte";

export interface EnrolmentsTable extends ChildServiceRow {
  mode: EnrolmentMode;
  weekdays: ColumnType<number[], number[] | undefined, number[]>;
  starts_on: string;
  ends_on: string;
  status: ColumnType<EnrolmentStatus, EnrolmentStatus | undefined, EnrolmentStatus>;
  reason: string | null;
  dossier_id: string | null;
  booked_days: Generated<number>;
  created_by: string | null;
  created_at: Generated<Date>;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

export interface SchoolStreetsTable {
  tenant_id: string;
  street_key: string;
  street: string;
  school: string;
}

export type SchoolRequestStatus = "pending" | "accepted" | "refused" | "withdrawn";

export interface SchoolRequestsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  child_id: string;
  school_year: string;
  level: string;
  sector_school: string | null;
  school: string;
  derogation: Generated<boolean>;
  derogation_reason: string | null;
  status: ColumnType<SchoolRequestStatus, SchoolRequestStatus | undefined, SchoolRequestStatus>;
  reason: string | null;
  certificate_number: ColumnType<string | null, number | null | undefined, number | null>;
  created_by: string | null;
  created_at: Generated<Date>;
  decided_by: string | null;
  decided_at: NullableTimestamp;
}

export interface UpdateCampaignsTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  deadline: string;
  sections: string[];
  status: ColumnType<"open" | "closed", "open" | "closed" | undefined, "open" | "closed">;
  opened_by: string | null;
  opened_at: Generated<Date>;
  closed_at: NullableTimestamp;
}

export interface CampaignAnswersTable {
  tenant_id: string;
  campaign_id: string;
  household_id: string;
  checked: ColumnType<string[], string[] | undefined, string[]>;
  completed_at: NullableTimestamp;
  reminded_at: NullableTimestamp;
  updated_at: Generated<Date>;
}

export interface SchoolSettingsTable {
  tenant_id: string;
  documents: ColumnType<string[], string[] | undefined, string[]>;
  updated_at: Generated<Date>;
}

export interface EnrolmentTables {
  school_settings: SchoolSettingsTable;
  update_campaigns: UpdateCampaignsTable;
  campaign_answers: CampaignAnswersTable;
  enrolments: EnrolmentsTable;
  school_streets: SchoolStreetsTable;
  school_requests: SchoolRequestsTable;
}
