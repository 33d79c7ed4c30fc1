import type { Trx } from "../../../../db/database.ts";
import { AppError, notFound } from "../../../../http/errors.ts";
import { ATTEMPT_WINDOW_MS } from "../../../../integrations/payfip/outcome.ts";
import type { Tenant } from "../../../../tenancy/resolve.ts";
import { invoicesWithRegie } from "../../invoice-rows.ts";
import { remainingCents } from "../credit-ledger.ts";
import { closeStranded, insertAttempt } from "./attempt-row.ts";

// The attempt on one invoice (« Payer en ligne » on « Mes factures »); online-payment.ts drives PayFiP.
/**
 * Opens an attempt on one of the household's invoices: not paid, not handed to the
 * Treasury, and no other attempt that could still be paid (docs/payfip.md §2: a page stays
 * payable for 15 minutes). The amount is what is left to pay, never a figure from a form.
 */
export async function openAttempt(
  trx: Trx,
  tenant: Tenant,
  userId: string,
  householdId: string,
  invoiceId: string,
  now: Date,
) {
  const { invoice, amountCents } = await payableInvoice(trx, householdId, invoiceId, now);
  return insertAttempt(trx, {
    tenant,
    userId,
    householdId,
    now,
    regie: { id: invoice.regie_id, numcli: invoice.numcli },
    on: { invoice_id: invoice.id },
    amountCents,
    ref: invoice.number.replace(/[^A-Za-z0-9]/g, ""),
    objet: `facture ${invoice.number}`,
  });
}

/** The household's invoice still payable online, and what is left to pay on it; 404 or 409 otherwise. */
async function payableInvoice(trx: Trx, householdId: string, invoiceId: string, now: Date) {
  const invoice = await invoicesWithRegie(trx)
    .select(["i.id", "i.number", "i.kind", "i.treasury_ref", "i.regie_id", "r.numcli"])
    .where("i.id", "=", invoiceId)
    .where("i.household_id", "=", householdId)
    .executeTakeFirst();
  if (invoice?.kind !== "invoice") throw notFound();
  if (invoice.treasury_ref)
    throw new AppError(
      "bad_request",
      409,
      "Cette facture a été transmise au Trésor public : elle ne se paie plus en ligne.",
    );
  const { total, settled } = await remainingCents(trx, invoice.id);
  if (settled >= total) throw new AppError("bad_request", 409, "Cette facture est déjà payée.");
  // An attempt of the invoice left without idOp by a crash can never be paid: closed at once.
  await closeStranded(trx, "invoice_id", invoice.id, now).execute();
  await refuseLive(trx, invoice.id, now);
  return { invoice, amountCents: total - settled };
}

/** 409 while another attempt of the invoice may still be paid on PayFiP's page. */
async function refuseLive(trx: Trx, invoiceId: string, now: Date) {
  const live = await trx
    .selectFrom("payment_attempts")
    .select("id")
    .where("invoice_id", "=", invoiceId)
    .where("state", "in", ["created", "pending"])
    .where("created_at", ">", new Date(now.getTime() - ATTEMPT_WINDOW_MS))
    .executeTakeFirst();
  if (live)
    throw new AppError(
      "bad_request",
      409,
      "Un paiement en ligne de cette facture est déjà en cours. Réessayez dans 20 minutes.",
    );
}
