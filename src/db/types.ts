import type { ColumnType, Generated } from "kysely";
import type { AuthTables, SessionOrigin } from "./auth-types.ts";
import type { BillingTables } from "./billing-types.ts";
import type { EnrolmentTables } from "./enrolment-types.ts";
import type { HomeTables } from "./home-types.ts";
import type { HouseholdTables } from "./household-types.ts";
import type { InvoicingTables } from "./invoicing-types.ts";
import type { LedgerTables } from "./ledger-types.ts";
import type { MessagesTables } from "./messages-types.ts";
import type { OperatorPasskeyTables, WebauthnChallenge } from "./operator-passkey-types.ts";
import type { PlanningTables } from "./planning-types.ts";
import type { RetentionTables } from "./retention-types.ts";
import type { SchoolCalendarTables } from "./school-calendar-types.ts";
import type { SupportTables } from "./support-types.ts";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  status: Generated<"active" | "suspended" | "archived">;
  hostnames: ColumnType<string[], string[] | undefined, string[]>;
  config: ColumnType<unknown, string, string>;
  logo_svg: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string | null;
  actor_id: string | null;
  actor_kind: "parent" | "staff" | "operator" | "system";
  action: string;
  entity: string;
  entity_id: string | null;
  fields: ColumnType<string[], string[] | undefined, string[]>;
  at: Generated<Date>;
}

export interface UsersTable {
  tenant_id: string;
  id: Generated<string>;
  kind: "parent" | "staff";
  household_id: string | null;
  staff_role: "admin" | "agent" | null;
  email: string | null;
  login: string | null;
  civility: string | null;
  first_name: string;
  last_name: string;
  password_hash: string | null;
  must_change_password: Generated<boolean>;
  email_verified_at: NullableTimestamp;
  password_changed_at: NullableTimestamp;
  created_at: Generated<Date>;
  disabled_at: NullableTimestamp;
}

export interface SessionsTable extends Partial<SessionOrigin> {
  tenant_id: string;
  id: string;
  user_id: string;
  remember: boolean;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface AuthTokensTable {
  tenant_id: string;
  id: string;
  user_id: string;
  purpose: "activation" | "password_reset" | "email_change";
  new_email: string | null;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface LoginThrottleTable {
  tenant_id: string;
  key: string;
  failures: Generated<number>;
  blocked_until: NullableTimestamp;
  updated_at: Timestamp;
}

export interface AuthEventsTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string | null;
  event: string;
  ip: string | null;
  at: Generated<Date>;
}

export interface OutboxTable {
  tenant_id: string;
  id: Generated<string>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface OperatorsTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  created_at: Generated<Date>;
}

export interface OperatorSessionsTable extends Partial<WebauthnChallenge> {
  id: string;
  operator_id: string;
  remember: boolean;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  /** The password was right; the second factor (mandatory for operators) is still awaited. */
  second_factor_pending: Generated<boolean>;
}

export interface OperatorThrottleTable {
  key: string;
  failures: Generated<number>;
  blocked_until: NullableTimestamp;
  updated_at: Timestamp;
}

export interface PlatformAuditTable {
  id: Generated<string>;
  operator_id: string | null;
  event: string;
  target_tenant_id: string | null;
  ip: string | null;
  detail: ColumnType<string | null, string | null | undefined, string | null>;
  at: Generated<Date>;
}

export interface DB
  extends PlanningTables,
    BillingTables,
    LedgerTables,
    InvoicingTables,
    SupportTables,
    MessagesTables,
    SchoolCalendarTables,
    HomeTables,
    EnrolmentTables,
    RetentionTables,
    AuthTables,
    OperatorPasskeyTables,
    HouseholdTables {
  tenants: TenantsTable;
  audit_log: AuditLogTable;
  users: UsersTable;
  sessions: SessionsTable;
  auth_tokens: AuthTokensTable;
  login_throttle: LoginThrottleTable;
  auth_events: AuthEventsTable;
  outbox: OutboxTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  operator_throttle: OperatorThrottleTable;
  platform_audit: PlatformAuditTable;
}
