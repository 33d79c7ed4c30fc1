import type { ColumnType, Generated } from "kysely";
import type { BookingRules, Eligibility } from "../tenancy/planning-schema.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface Closure {
  from: string;
  to: string;
  label: string;
}

export interface FacilitiesTable {
  tenant_id: string;
  id: Generated<string>;
  key: string;
  name: string;
  position: Generated<number>;
}

export interface ServicesTable {
  tenant_id: string;
  id: Generated<string>;
  facility_id: string;
  key: string;
  name: string;
  unit: Generated<"day" | "half_day" | "meal" | "hour" | "flat">;
  eligibility: Json<Eligibility>;
  rules: Json<Partial<BookingRules>>;
  position: Generated<number>;
  regie_id: string | null;
}

export interface PeriodsTable {
  tenant_id: string;
  id: Generated<string>;
  service_id: string;
  key: string;
  name: string;
  category: string | null;
  starts_on: string;
  ends_on: string;
  weekdays: number[];
  closures: Json<Closure[]>;
  school_days_only: Generated<boolean>;
  booking_opens_on: string | null;
  booking_closes_on: string | null;
  rules: Json<Partial<BookingRules>>;
  updated_at: Timestamp;
}

export interface OccupancyTable {
  tenant_id: string;
  period_id: string;
  day: string;
  taken: Generated<number>;
}

export interface BookingDossiersTable {
  tenant_id: string;
  id: Generated<string>;
  number: ColumnType<string, number | string, number | string>;
  household_id: string;
  kind: "booking" | "cancellation";
  period_id: string;
  created_by: string | null;
  created_by_name: string;
  idempotency_key: string;
  created_at: Generated<Date>;
}

export type BookingStatus =
  | "pending"
  | "accepted"
  | "refused"
  | "waiting"
  | "offered"
  | "cancel_requested"
  | "cancelled"
  | "expired"
  | "unpaid";
export type Attendance = "present" | "absent_excused" | "absent_billed";

/** A child's place in a service over a period, as a booking (one day) or an enrolment holds it. */
export interface ChildServiceRow {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  child_id: string;
  period_id: string;
  service_id: string;
}

export interface BookingsTable extends ChildServiceRow {
  day: string;
  status: BookingStatus;
  holds_place: boolean;
  dossier_id: string;
  cancel_dossier_id: string | null;
  late_cancel: Generated<boolean>;
  reason: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  attendance: Attendance | null;
  attendance_by: string | null;
  attendance_at: NullableTimestamp;
  unbooked: Generated<boolean>;
  /** « Mon panier »: the basket a day paid at booking waits in. */
  basket_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** A place offered from the waiting list passes on if not accepted by then. */
  offer_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface AbsencesTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  child_id: string;
  booking_id: string;
  reason_key: string;
  reason_label: string;
  details: string | null;
  medical: Generated<boolean>;
  billed: boolean;
  status: Generated<"pending" | "accepted" | "refused">;
  certificate_due: string | null;
  document_id: string | null;
  refusal_reason: string | null;
  created_by: string | null;
  decided_by: string | null;
  decided_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface PlaceReleasesTable {
  tenant_id: string;
  id: Generated<string>;
  period_id: string;
  day: string;
  created_at: Generated<Date>;
}

export interface CountersTable {
  tenant_id: string;
  name: string;
  value: ColumnType<string, number | string | undefined, number | string>;
}

export interface PlanningTables {
  counters: CountersTable;
  facilities: FacilitiesTable;
  services: ServicesTable;
  periods: PeriodsTable;
  occupancy: OccupancyTable;
  booking_dossiers: BookingDossiersTable;
  bookings: BookingsTable;
  absences: AbsencesTable;
  place_releases: PlaceReleasesTable;
}
