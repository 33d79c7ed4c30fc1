import type { ColumnType, Generated } from "kysely";

type Cents = ColumnType<string, number | string, number | string>;

/** Credit (an avoir) spent on an invoice of the same household and régie. */
export interface CreditAllocationsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  regie_id: string;
  credit_note_id: string;
  invoice_id: string;
  amount_cents: Cents;
  created_at: Generated<Date>;
}

export type RefundState = "requested" | "paid";

/** « Demander le remboursement »: credit paid back by bank transfer, recorded by staff. */
export interface RefundsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  regie_id: string;
  amount_cents: Cents;
  state: Generated<RefundState>;
  iban: string;
  account_holder: string;
  requested_by: string;
  requested_at: Generated<Date>;
  paid_on: string | null;
  reference: string | null;
  recorded_by: string | null;
}

export interface LedgerTables {
  credit_allocations: CreditAllocationsTable;
  refunds: RefundsTable;
}
