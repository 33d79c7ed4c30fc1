import { electronicFormatIBAN, isValidIBAN } from "ibantools";
import type { Trx } from "../../../../db/database.ts";
import { notFound } from "../../../../http/errors.ts";
import { FormError } from "../../../../http/forms.ts";
import type { Tenant } from "../../../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../../../audit/service.ts";
import { regieById } from "../../settings/settings-service.ts";
import { HOUSEHOLD_REGIE_COLUMNS } from "../../staff-columns.ts";
import { availableCredit, lockAccount } from "../credit-ledger.ts";

/**
 * « Demander le remboursement »: the family asks for its credit in a régie back, to the IBAN
 * on file or one typed; staff pay it by bank transfer and record the refund with its date.
 */

/** A 422 shown next to one field of a refund form. */
export class RefundError extends FormError {
  constructor(field: "montant" | "iban" | "titulaire", message: string) {
    super({ [field]: message });
  }
}

export const maskIban = (iban: string) => `${iban.slice(0, 4)} •••• •••• ${iban.slice(-4)}`;

/** The household's bank details on file (never shown whole to the parent). */
export async function ibanOnFile(trx: Trx, householdId: string) {
  const h = await trx
    .selectFrom("households")
    .select(["iban", "account_holder"])
    .where("id", "=", householdId)
    .executeTakeFirst();
  return h?.iban ? { iban: h.iban, holder: h.account_holder ?? "" } : null;
}

/** The audit line of a write on a household's refund. */
function auditRefund(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  refund: { id: string; household_id: string },
  change: { action: "create" | "update"; fields: string[] },
) {
  return recordWrite(trx, tenant.id, actor, {
    householdId: refund.household_id,
    entity: "refunds",
    entityId: refund.id,
    ...change,
  });
}

export interface RefundRequest {
  regieId: string;
  /** null: the IBAN on file. */
  iban: string | null;
  holder: string;
}

/** Records the request for all the credit the family holds in the régie (404 for an unknown régie). */
export async function requestRefund(
  trx: Trx,
  tenant: Tenant,
  actor: Actor & { kind: "parent" },
  householdId: string,
  input: RefundRequest,
) {
  await regieById(trx, input.regieId);
  const account = { householdId, regieId: input.regieId };
  await lockAccount(trx, account);
  const credit = await availableCredit(trx, account);
  if (credit <= 0) throw new RefundError("montant", "Vous n'avez pas d'avoir à rembourser sur cette régie.");
  const bank = input.iban === null ? await ibanOnFile(trx, householdId) : null;
  const iban = input.iban === null ? bank?.iban : electronicFormatIBAN(input.iban);
  if (!iban) throw new RefundError("iban", "Aucun IBAN n'est enregistré pour votre foyer : saisissez-le.");
  if (!isValidIBAN(iban)) throw new RefundError("iban", "IBAN invalide : vérifiez les caractères saisis.");
  const holder = (input.holder.trim() || bank?.holder || "").slice(0, 100);
  if (!holder) throw new RefundError("titulaire", "Indiquez le titulaire du compte.");
  const row = await trx
    .insertInto("refunds")
    .values({
      tenant_id: tenant.id,
      household_id: householdId,
      regie_id: input.regieId,
      amount_cents: credit,
      iban,
      account_holder: holder,
      requested_by: actor.userId,
    })
    .returning(["id", "household_id"])
    .executeTakeFirstOrThrow();
  await auditRefund(trx, tenant, actor, row, { action: "create", fields: ["amount_cents", "iban"] });
  return credit;
}

/** The household's refunds in a régie, newest first (RLS fences parents to their own). */
export function refundsOf(trx: Trx, householdId: string, regieId: string) {
  return trx
    .selectFrom("refunds")
    .select(["id", "amount_cents", "state", "requested_at", "paid_on", "iban"])
    .where("household_id", "=", householdId)
    .where("regie_id", "=", regieId)
    .orderBy("requested_at", "desc")
    .execute();
}

/** Staff's « Remboursements »: requests waiting, then those paid, with the household and régie. */
export function refundList(trx: Trx) {
  return trx
    .selectFrom("refunds as f")
    .innerJoin("households as h", "h.id", "f.household_id")
    .innerJoin("regies as r", "r.id", "f.regie_id")
    .selectAll("f")
    .select(HOUSEHOLD_REGIE_COLUMNS)
    .orderBy("f.state", "desc")
    .orderBy("f.requested_at", "desc")
    .limit(200)
    .execute();
}

/** « Enregistrer le remboursement »: the transfer's date (and reference) on a requested refund. */
export async function recordRefund(
  trx: Trx,
  tenant: Tenant,
  actor: Actor & { kind: "staff" },
  refundId: string,
  input: { paidOn: string; reference: string | null },
) {
  const row = await trx
    .updateTable("refunds")
    .set({ state: "paid", paid_on: input.paidOn, reference: input.reference, recorded_by: actor.userId })
    .where("id", "=", refundId)
    .where("state", "=", "requested")
    .returning(["id", "household_id"])
    .executeTakeFirst();
  if (!row) throw notFound();
  await auditRefund(trx, tenant, actor, row, { action: "update", fields: ["state", "paid_on"] });
}
