import { sql } from "kysely";
import type { PaymentMethod } from "../../db/billing-types.ts";
import type { Trx } from "../../db/database.ts";
import { AppError, notFound } from "../../http/errors.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../audit/service.ts";
import { euros } from "./pricing.ts";

export type InvoiceState = "to_pay" | "partly_paid" | "paid" | "treasury";

export const INVOICE_STATE_LABELS: Record<InvoiceState, string> = {
  to_pay: "À payer",
  partly_paid: "Partiellement payée",
  paid: "Payée",
  treasury: "Titre émis",
};

/** An invoice's state from its total, what was paid or credited on it, and the Treasury. */
export function invoiceState(
  totalCents: number,
  settledCents: number,
  treasuryRef: string | null,
): InvoiceState {
  if (settledCents >= totalCents) return "paid";
  if (treasuryRef) return "treasury";
  return settledCents > 0 ? "partly_paid" : "to_pay";
}

/** What is left to pay on an invoice: its total less payments and credit notes on it. */
export async function remainingCents(
  trx: Trx,
  invoiceId: string,
): Promise<{ total: number; settled: number }> {
  const row = await trx
    .selectFrom("invoices as i")
    .select([
      "i.total_cents",
      sql<string>`coalesce((select sum(p.amount_cents) from payments p where p.invoice_id = i.id), 0)`.as(
        "paid",
      ),
      sql<string>`coalesce((select sum(c.total_cents) from invoices c where c.credited_invoice_id = i.id), 0)`.as(
        "credited",
      ),
    ])
    .where("i.id", "=", invoiceId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return { total: Number(row.total_cents), settled: Number(row.paid) + Number(row.credited) };
}

export interface PaymentInput {
  invoiceId: string;
  method: PaymentMethod;
  amountCents: number;
  receivedOn: string;
  reference: string | null;
}

/**
 * A payment on an invoice, on its régie's ledger. It may not exceed what is left to pay;
 * the invoice row is locked so that two payments cannot both take the last euro.
 */
export async function recordPayment(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  input: PaymentInput,
  attemptId: string | null = null,
) {
  const invoice = await trx
    .selectFrom("invoices")
    .select(["id", "regie_id", "household_id", "kind"])
    .where("id", "=", input.invoiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!invoice || invoice.kind !== "invoice") throw notFound();
  const { total, settled } = await remainingCents(trx, invoice.id);
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0)
    throw new AppError("bad_request", 422, "Le montant doit être positif.");
  // Money received online is recorded whatever else settled the invoice meanwhile: the
  // statement then shows the household in credit rather than losing a payment.
  if (attemptId === null && input.amountCents > total - settled)
    throw new AppError(
      "bad_request",
      422,
      `Le montant dépasse le reste à payer (${euros(total - settled)}).`,
    );
  const row = await trx
    .insertInto("payments")
    .values({
      tenant_id: tenant.id,
      regie_id: invoice.regie_id,
      household_id: invoice.household_id,
      invoice_id: invoice.id,
      method: input.method,
      amount_cents: input.amountCents,
      received_on: input.receivedOn,
      reference: input.reference,
      recorded_by: actor.kind === "staff" ? actor.userId : null,
      attempt_id: attemptId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordWrite(trx, tenant.id, actor, {
    householdId: invoice.household_id,
    action: "create",
    entity: "payments",
    entityId: row.id,
    fields: ["method", "amount_cents"],
  });
  return row.id;
}
