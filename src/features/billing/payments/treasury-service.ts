import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import { invoiceForUpdate } from "../invoice-rows.ts";
import { CreditError, invoiceToCredit, issueCreditNote } from "../invoices/credit-service.ts";
import { euros } from "../pricing/pricing.ts";
import { remainingCents } from "./credit-ledger.ts";

/** Whether an invoice may be handed to the Treasury: its régie does so, and something is left to pay. */
export function canTransmit(i: {
  kind: string;
  collection: string;
  treasuryRef: string | null;
  remainingCents: number;
}) {
  return i.kind === "invoice" && i.collection === "treasury" && !i.treasuryRef && i.remainingCents > 0;
}

/**
 * « Transmettre au Trésor »: the unpaid invoice of a régie that hands its debts to the
 * Treasury gets its ORMC title number; it then shows « Titre émis » and is no longer paid online.
 */
export async function transmitToTreasury(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  invoiceId: string,
  ormc: string,
  now: Date,
) {
  const invoice = await invoiceForUpdate(trx, invoiceId);
  const { total, settled } = await remainingCents(trx, invoiceId);
  const state = { ...invoice, treasuryRef: invoice.treasury_ref, remainingCents: total - settled };
  if (!canTransmit(state))
    throw new AppError(
      "bad_request",
      409,
      invoice.treasury_ref
        ? "Cette facture a déjà été transmise au Trésor public."
        : invoice.collection !== "treasury"
          ? "Cette régie encaisse elle-même ses impayés : elle ne les transmet pas au Trésor public."
          : "Cette facture est déjà réglée : il n'y a rien à transmettre.",
    );
  await trx
    .updateTable("invoices")
    .set({ treasury_ref: ormc, treasury_at: now })
    .where("id", "=", invoiceId)
    .execute();
  await recordWrite(trx, tenant.id, actor, {
    householdId: invoice.household_id,
    action: "update",
    entity: "invoices",
    entityId: invoiceId,
    fields: ["treasury_ref", "treasury_at"],
  });
}

export interface TreasuryCorrection {
  kind: "reduction" | "annulation";
  reference: string;
  /** A reduction's amount; an annulation cancels all that is left. */
  amountCents: number | null;
}

/**
 * « Réduction » or « annulation de titre »: the Treasury corrects a title; the portal records
 * it as a credit note carrying the Treasury's reference, spent on the invoice at once.
 */
export async function recordTreasuryCorrection(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  invoiceId: string,
  input: TreasuryCorrection,
  today: string,
) {
  const invoice = await invoiceToCredit(trx, invoiceId);
  if (!invoice.treasury_ref) throw notFound();
  const { total, settled } = await remainingCents(trx, invoiceId);
  const left = total - settled;
  const amount = input.kind === "annulation" ? left : (input.amountCents ?? 0);
  if (left <= 0) throw new CreditError("montant", "Il ne reste rien à payer sur ce titre.");
  if (amount <= 0) throw new CreditError("montant", "Indiquez le montant de la réduction.");
  if (amount > left)
    throw new CreditError("montant", `La réduction dépasse le reste à payer du titre (${euros(left)}).`);
  const label = `${input.kind === "annulation" ? "Annulation" : "Réduction"} de titre (ORMC n° ${invoice.treasury_ref}) – réf. ${input.reference}`;
  const line = { credits_line_id: null, child_id: null, day: null, label, quantity: 1, unit_cents: amount };
  const correction = { kind: input.kind, ref: input.reference };
  return issueCreditNote(trx, tenant, actor, invoice, [line], today, correction);
}
