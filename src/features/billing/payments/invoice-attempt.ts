import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { ATTEMPT_WINDOW_MS } from "../../../integrations/payfip/outcome.ts";
import { makeRefdet, sanitizeObjet } from "../../../integrations/payfip/rules.ts";
import { parisToday } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { STRANDED_AFTER_MS } from "../basket/basket-payment.ts";
import { remainingCents } from "./ledger.ts";

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
  const invoice = await trx
    .selectFrom("invoices as i")
    .innerJoin("regies as r", "r.id", "i.regie_id")
    .select([
      "i.id",
      "i.number",
      "i.kind",
      "i.treasury_ref",
      "i.regie_id",
      "r.numcli",
      "r.name as regie_name",
    ])
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
  await closeStranded(trx, invoice.id, now);
  const live = await trx
    .selectFrom("payment_attempts")
    .select("id")
    .where("invoice_id", "=", invoice.id)
    .where("state", "in", ["created", "pending"])
    .where("created_at", ">", new Date(now.getTime() - ATTEMPT_WINDOW_MS))
    .executeTakeFirst();
  if (live)
    throw new AppError(
      "bad_request",
      409,
      "Un paiement en ligne de cette facture est déjà en cours. Réessayez dans 20 minutes.",
    );
  const row = await trx
    .insertInto("payment_attempts")
    .values({
      tenant_id: tenant.id,
      regie_id: invoice.regie_id,
      household_id: householdId,
      invoice_id: invoice.id,
      created_by: userId,
      refdet: makeRefdet(invoice.number.replace(/[^A-Za-z0-9]/g, ""), now),
      amount_cents: total - settled,
      created_at: now,
    })
    .returning(["id", "refdet", "amount_cents"])
    .executeTakeFirstOrThrow();
  return {
    attemptId: row.id,
    refdet: row.refdet,
    amountCents: Number(row.amount_cents),
    numcli: invoice.numcli,
    exer: parisToday(now).slice(0, 4),
    objet: sanitizeObjet(`${tenant.config.shortName} facture ${invoice.number}`),
  };
}

/** An attempt of the invoice left without idOp by a crash can never be paid: closed at once. */
async function closeStranded(trx: Trx, invoiceId: string, now: Date) {
  await trx
    .updateTable("payment_attempts")
    .set({ state: "error", error: "Interrompu avant la réponse de PayFiP.", updated_at: sql`now()` })
    .where("invoice_id", "=", invoiceId)
    .where("state", "=", "created")
    .where("idop", "is", null)
    .where("created_at", "<", new Date(now.getTime() - STRANDED_AFTER_MS))
    .execute();
}
