import type { ColumnType, Generated } from "kysely";
import type { PasskeyColumns, TotpStep, WebauthnChallenge } from "./operator-passkey-types.ts";

export interface KnownDevicesTable {
  tenant_id: string;
  id: string;
  user_id: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
}

export interface HealthAccessLogTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  child_id: string;
  viewer_id: string;
  viewer_name: string;
  what: "fiche" | "pointage" | "export" | "pdf";
  at: Generated<Date>;
}

export interface ClosureRequestsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  requested_by: string;
  reason: string | null;
  requested_at: Generated<Date>;
  status: Generated<"pending" | "closed">;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface SecondFactorsTable extends Partial<TotpStep> {
  tenant_id: string;
  user_id: string;
  totp_key: Buffer;
  enabled_at: Date | null;
  /** SHA-256 digests (hex) of the recovery codes not used yet. */
  recovery_codes: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Generated<Date>;
}

/** An operator's TOTP factor (mandatory): the same shape as a town account's, without a town. */
export interface OperatorSecondFactorsTable extends Partial<TotpStep> {
  operator_id: string;
  totp_key: Buffer;
  enabled_at: Date | null;
  recovery_codes: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Generated<Date>;
}

/** A passkey (WebAuthn credential) of a town account, used as its second factor. */
export interface PasskeysTable extends PasskeyColumns {
  tenant_id: string;
  user_id: string;
}

/** Columns issue 16 adds to `sessions` (src/db/types.ts SessionsTable). */
export interface SessionOrigin extends WebauthnChallenge {
  device: string | null;
  ip_prefix: string | null;
  /** The password was right; the second factor is still awaited. */
  second_factor_pending: boolean;
}

export interface AuthTables {
  known_devices: KnownDevicesTable;
  health_access_log: HealthAccessLogTable;
  closure_requests: ClosureRequestsTable;
  second_factors: SecondFactorsTable;
  operator_second_factors: OperatorSecondFactorsTable;
  passkeys: PasskeysTable;
}
