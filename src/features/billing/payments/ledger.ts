import type { PaymentMethod } from "../../../db/billing-types.ts";
import type { Trx } from "../../../db/database.ts";
import { FormError } from "../../../http/forms.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import { invoiceForUpdate } from "../invoice-rows.ts";
import { euros } from "../pricing/pricing.ts";
import { lockAccount, remainingCents, spendOnOpenInvoices } from "./credit-ledger.ts";

export type InvoiceState = "to_pay" | "partly_paid" | "paid" | "credited" | "treasury";

export const INVOICE_STATE_LABELS: Record<InvoiceState, string> = {
  to_pay: "À payer",
  partly_paid: "Partiellement payée",
  paid: "Payée",
  credited: "Soldée par avoir",
  treasury: "Titre émis",
};

/**
 * An invoice's state says the truth: settled by payments (« Payée »), by credit notes only
 * (« Soldée par avoir »), partly paid only when money was received, or handed to the Treasury.
 */
export function invoiceState(
  totalCents: number,
  paidCents: number,
  creditedCents: number,
  treasuryRef: string | null,
): InvoiceState {
  if (paidCents + creditedCents >= totalCents) return paidCents > 0 || totalCents === 0 ? "paid" : "credited";
  if (treasuryRef) return "treasury";
  return paidCents > 0 ? "partly_paid" : "to_pay";
}

/** An invoice row as SQL reads it: its total, what settled it (payments and credit) and what was paid. */
export interface InvoiceSums {
  total_cents: string;
  settled: string;
  paid: string;
  treasury_ref: string | null;
}

/** The row's amounts in numbers, what is left to pay and its state. */
export function amountsOf(r: InvoiceSums) {
  const totalCents = Number(r.total_cents);
  const settledCents = Number(r.settled);
  const paidCents = Number(r.paid);
  return {
    totalCents,
    settledCents,
    leftCents: Math.max(totalCents - settledCents, 0),
    state: invoiceState(totalCents, paidCents, settledCents - paidCents, r.treasury_ref),
  };
}

/** An invoice handed to the Treasury moves only by the Treasury's own corrections. */
export const TREASURY_FROZEN =
  "Cette facture a été transmise au Trésor public (titre émis) : elle se règle auprès du Trésor public.";

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
  const { invoice, left } = await lockedInvoice(trx, input, attemptId !== null);
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
  // What an online payment brought beyond the invoice is credit: it settles the others first.
  if (input.amountCents > left)
    await spendOnOpenInvoices(trx, tenant.id, {
      householdId: invoice.household_id,
      regieId: invoice.regie_id,
    });
  return row.id;
}

/**
 * The invoice the payment goes on, locked with its régie account, and what is left to pay on
 * it; a refused payment is a message at « montant ». Money received online is recorded
 * whatever else settled the invoice meanwhile: the statement then shows the household in
 * credit rather than losing a payment.
 */
async function lockedInvoice(trx: Trx, input: PaymentInput, online: boolean) {
  const invoice = await invoiceForUpdate(trx, input.invoiceId);
  if (invoice.treasury_ref && !online) throw FormError.at("montant", TREASURY_FROZEN);
  await lockAccount(trx, { householdId: invoice.household_id, regieId: invoice.regie_id });
  const { total, settled } = await remainingCents(trx, invoice.id);
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0)
    throw FormError.at("montant", "Le montant doit être positif.");
  if (!online && input.amountCents > total - settled)
    throw FormError.at("montant", `Le montant dépasse le reste à payer (${euros(total - settled)}).`);
  return { invoice, left: total - settled };
}
