import type { Generated } from "kysely";

/** One advance notice of an erasure to the town's admins, per household and due date. */
export interface RetentionNoticesTable {
  tenant_id: string;
  household_id: string;
  due_on: string;
  sent_at: Generated<Date>;
}

export interface RetentionTables {
  retention_notices: RetentionNoticesTable;
}
