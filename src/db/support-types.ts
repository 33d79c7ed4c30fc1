import type { ColumnType, Generated } from "kysely";

/** Operators' support entries into a town's back-office (issue 13). */
export interface SupportEntriesTable {
  id: Generated<string>;
  operator_id: string;
  operator_name: string;
  target_tenant_id: string;
  entry_token: string | null;
  session_token: string | null;
  write: Generated<boolean>;
  reason: string | null;
  created_at: Generated<Date>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface SupportTables {
  support_entries: SupportEntriesTable;
}
