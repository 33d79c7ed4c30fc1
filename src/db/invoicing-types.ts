import type { ColumnType, Generated } from "kysely";

export type InvoicingJobState = "queued" | "running" | "done" | "failed";

/** A month's invoicing run asked by staff and issued by the job worker (issue 17). */
export interface InvoicingJobsTable {
  tenant_id: string;
  id: Generated<string>;
  regie_id: string;
  month: string;
  requested_by: string;
  /** What staff saw and confirmed: the run is issued only if it still holds. */
  invoice_count: number;
  total_cents: ColumnType<string, number | string, number | string>;
  state: Generated<InvoicingJobState>;
  /** The last step done (INVOICING_STEPS), for the progress shown to staff. */
  step: Generated<number>;
  problem: string | null;
  run_id: string | null;
  issued: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface InvoicingTables {
  invoicing_jobs: InvoicingJobsTable;
}
