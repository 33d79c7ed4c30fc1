import type { ColumnType, Generated } from "kysely";
import type { Tariff } from "../tenancy/billing-schema.ts";

/** bigint columns come back from pg as strings; we write numbers. */
type Cents = ColumnType<string, number | string, number | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface RegiesTable {
  tenant_id: string;
  id: Generated<string>;
  key: string;
  name: string;
  numcli: string;
  invoice_prefix: string;
  collection: Generated<"self" | "treasury">;
}

export interface TariffsTable {
  tenant_id: string;
  id: Generated<string>;
  service_id: string;
  effective_from: string;
  spec: ColumnType<Tariff, string, string>;
}

export interface InvoicingRunsTable {
  tenant_id: string;
  id: Generated<string>;
  regie_id: string;
  month: string;
  issued_by: string;
  issued_at: Generated<Date>;
  /** 1 for the month's first run, then 2, 3… for « facturation complémentaire ». */
  sequence: Generated<number>;
  invoice_count: number;
  line_count: number;
  total_cents: Cents;
}

export interface InvoicesTable {
  tenant_id: string;
  id: Generated<string>;
  regie_id: string;
  household_id: string;
  kind: "invoice" | "credit_note";
  seq: Cents;
  number: string;
  month: string | null;
  run_id: string | null;
  credited_invoice_id: string | null;
  issued_on: string;
  due_on: string | null;
  total_cents: Cents;
  treasury_ref: string | null;
  treasury_at: NullableTimestamp;
  /** A credit note recording the Treasury's « réduction » or « annulation de titre ». */
  treasury_correction: ColumnType<
    "reduction" | "annulation" | null,
    string | null | undefined,
    string | null
  >;
  treasury_correction_ref: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
}

export interface InvoiceLinesTable {
  tenant_id: string;
  id: Generated<string>;
  invoice_id: string;
  household_id: string;
  booking_id: string | null;
  child_id: string | null;
  day: string | null;
  label: string;
  quantity: number;
  unit_cents: Cents;
  amount_cents: Cents;
  position: number;
  /** On a credit note: the invoice line it credits. */
  credits_line_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export type PaymentMethod = "cheque" | "especes" | "cesu" | "virement" | "payfip_card" | "payfip_debit";

export interface PaymentsTable {
  tenant_id: string;
  id: Generated<string>;
  regie_id: string;
  household_id: string;
  invoice_id: string;
  method: PaymentMethod;
  amount_cents: Cents;
  received_on: string;
  reference: string | null;
  recorded_by: string | null;
  attempt_id: string | null;
  created_at: Generated<Date>;
}

export type AttemptState = "created" | "pending" | "paid" | "refused" | "cancelled" | "expired" | "error";

export interface PaymentAttemptsTable {
  tenant_id: string;
  id: Generated<string>;
  regie_id: string;
  household_id: string;
  /** What the attempt pays: an issued invoice, or a basket (« Mon panier »), exactly one. */
  invoice_id: string | null;
  basket_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_by: string;
  refdet: string;
  idop: string | null;
  amount_cents: Cents;
  state: Generated<AttemptState>;
  result: ColumnType<unknown, string | null | undefined, string | null>;
  error: string | null;
  checks: Generated<number>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type BasketState = "open" | "paying" | "paid" | "expired";

export interface BasketsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  regie_id: string;
  state: Generated<BasketState>;
  expires_at: Date;
  created_by: string;
  priced: ColumnType<unknown, string | null | undefined, string | null>;
  invoice_id: string | null;
  /** Credit the basket spends, reserved while it is being paid. */
  credit_cents: ColumnType<string, number | undefined, number>;
  created_at: Generated<Date>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface BillingTables {
  baskets: BasketsTable;
  payment_attempts: PaymentAttemptsTable;
  regies: RegiesTable;
  tariffs: TariffsTable;
  invoicing_runs: InvoicingRunsTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  payments: PaymentsTable;
}
