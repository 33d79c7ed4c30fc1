import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { FormError } from "../../../http/forms.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import { invoicesWithRegie } from "../invoice-rows.ts";
import { availableCredit, lockAccount, spendCredit, spendOnOpenInvoices } from "../payments/credit-ledger.ts";
import { TREASURY_FROZEN } from "../payments/ledger.ts";
import { euros } from "../pricing/pricing.ts";
import { type IssuedInvoice, issueInvoices } from "./issue-service.ts";

/** An « avoir »: chosen lines of the invoice, or an amount with its reason. */
export type CreditInput = { lineIds: string[] } | { amountCents: number; reason: string };

/** A 422 shown next to one field of the « Créer un avoir » form. */
export class CreditError extends FormError {
  constructor(field: "lignes" | "montant" | "motif", message: string) {
    super({ [field]: message });
  }
}

interface CreditLine {
  credits_line_id: string | null;
  child_id: string | null;
  day: string | null;
  label: string;
  quantity: number;
  unit_cents: number;
}

const sameLine = (a: Omit<CreditLine, "credits_line_id">, b: Omit<CreditLine, "credits_line_id">) =>
  a.child_id === b.child_id && a.day === b.day && a.label === b.label && a.unit_cents === b.unit_cents;

/** The invoice's lines, each with the number of the avoir that already credited it (if any). */
export async function creditableLines(trx: Trx, invoiceId: string) {
  const lines = await trx
    .selectFrom("invoice_lines")
    .select(["id", "child_id", "day", "label", "quantity", "unit_cents", "amount_cents"])
    .where("invoice_id", "=", invoiceId)
    .orderBy("position")
    .execute();
  const credited = await trx
    .selectFrom("invoice_lines as l")
    .innerJoin("invoices as c", "c.id", "l.invoice_id")
    .select(["c.number", "l.credits_line_id", "l.child_id", "l.day", "l.label", "l.quantity", "l.unit_cents"])
    .where("c.credited_invoice_id", "=", invoiceId)
    .execute();
  return lines.map((l) => {
    const line = { ...l, unit_cents: Number(l.unit_cents), amountCents: Number(l.amount_cents) };
    const by = credited.find((c) =>
      c.credits_line_id
        ? c.credits_line_id === l.id
        : sameLine({ ...c, unit_cents: Number(c.unit_cents) }, line),
    );
    return { ...line, creditedBy: by?.number ?? null };
  });
}

async function linesToCredit(trx: Trx, invoiceId: string, input: CreditInput): Promise<CreditLine[]> {
  if ("amountCents" in input) {
    const reason = input.reason.trim();
    if (!reason) throw new CreditError("motif", "Indiquez le motif de l'avoir : il figure sur le document.");
    if (reason.length > 200) throw new CreditError("motif", "Le motif ne doit pas dépasser 200 caractères.");
    return [
      {
        credits_line_id: null,
        child_id: null,
        day: null,
        label: `Avoir : ${reason}`,
        quantity: 1,
        unit_cents: input.amountCents,
      },
    ];
  }
  const all = await creditableLines(trx, invoiceId);
  const chosen = all.filter((l) => input.lineIds.includes(l.id));
  if (!chosen.length || chosen.length !== new Set(input.lineIds).size)
    throw new CreditError("lignes", "Cochez au moins une ligne de la facture.");
  if (chosen.some((l) => l.creditedBy))
    throw new CreditError("lignes", "Une des lignes cochées a déjà fait l'objet d'un avoir.");
  return chosen.map(({ id, child_id, day, label, quantity, unit_cents }) => ({
    credits_line_id: id,
    child_id,
    day,
    label,
    quantity,
    unit_cents,
  }));
}

interface Credited {
  id: string;
  regie_id: string;
  household_id: string;
  month: string | null;
  invoice_prefix: string;
}

/** Issues the avoir « AV-<préfixe><n> » on its régie's credit counter, with its lines. */
export async function insertCreditNote(
  trx: Trx,
  tenantId: string,
  invoice: Credited,
  lines: CreditLine[],
  today: string,
  correction: { kind: "reduction" | "annulation"; ref: string } | null = null,
) {
  const batch = { tenantId, regieId: invoice.regie_id, kind: "credit_note" as const, issuedOn: today };
  const doc = {
    householdId: invoice.household_id,
    creditedInvoiceId: invoice.id,
    treasuryCorrection: correction,
    lines: lines.map((l) => ({
      creditsLineId: l.credits_line_id,
      childId: l.child_id,
      day: l.day,
      label: l.label,
      quantity: l.quantity,
      unitCents: l.unit_cents,
      amountCents: l.quantity * l.unit_cents,
    })),
  };
  const prefix = `AV-${invoice.invoice_prefix}`;
  const [credit] = await issueInvoices(trx, { ...batch, prefix, month: invoice.month }, [doc]);
  const { invoiceId, number, totalCents } = credit as IssuedInvoice;
  return { id: invoiceId, number, totalCents };
}

/** Credit notes already issued on an invoice (Treasury corrections included). */
async function creditedCents(trx: Trx, invoiceId: string): Promise<number> {
  const row = await trx
    .selectFrom("invoices")
    .select(sql<string>`coalesce(sum(total_cents), 0)`.as("s"))
    .where("credited_invoice_id", "=", invoiceId)
    .executeTakeFirst();
  return Number(row?.s ?? 0);
}

/** The invoice being credited, its account locked; 404 unless it is an invoice. */
export async function invoiceToCredit(trx: Trx, invoiceId: string) {
  const invoice = await invoicesWithRegie(trx)
    .select([
      "i.id",
      "i.kind",
      "i.regie_id",
      "i.household_id",
      "i.month",
      "i.number",
      "i.total_cents",
      "i.treasury_ref",
      "r.invoice_prefix",
      "r.name as regie",
    ])
    .where("i.id", "=", invoiceId)
    .executeTakeFirst();
  if (invoice?.kind !== "invoice") throw notFound();
  // Parents credit their own cancelled days and may not lock invoice rows: the account lock
  // serialises every credit note, allocation and payment of the household in the régie.
  await lockAccount(trx, { householdId: invoice.household_id, regieId: invoice.regie_id });
  return invoice;
}

type ToCredit = Awaited<ReturnType<typeof invoiceToCredit>>;

/**
 * A credit note's money goes first to what is left on its invoice, then to the account's
 * other open invoices; what is left is the family's credit. The family is e-mailed.
 */
export async function settleCreditNote(
  trx: Trx,
  tenant: Tenant,
  invoice: ToCredit,
  credit: { id: string; number: string; totalCents: number },
) {
  const account = { householdId: invoice.household_id, regieId: invoice.regie_id };
  if (invoice.treasury_ref)
    await spendCredit(trx, tenant.id, { ...account, id: invoice.id }, credit.totalCents, credit.id);
  else await spendOnOpenInvoices(trx, tenant.id, account, invoice.id);
  await notifyHousehold(trx, tenant, invoice.household_id, {
    template: "billing-credit-note",
    data: {
      number: credit.number,
      invoice: invoice.number,
      regie: invoice.regie,
      total: euros(credit.totalCents),
      credit: await availableCredit(trx, account).then((c) => (c > 0 ? euros(c) : null)),
    },
  });
}

/**
 * Creates an avoir on an issued invoice (which is never edited): its own gapless number per
 * régie « AV-<préfixe><n> » (« AV-AL-3 »), positive lines, a total within what was invoiced
 * and not yet credited. An invoice handed to the Treasury takes only the Treasury's corrections.
 */
export async function createCreditNote(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  invoiceId: string,
  input: CreditInput,
  today: string,
) {
  const invoice = await invoiceToCredit(trx, invoiceId);
  if (invoice.treasury_ref) throw new AppError("bad_request", 409, TREASURY_FROZEN);
  const lines = await linesToCredit(trx, invoiceId, input);
  const totalCents = lines.reduce((s, l) => s + l.quantity * l.unit_cents, 0);
  const left = Number(invoice.total_cents) - (await creditedCents(trx, invoiceId));
  if (totalCents > left)
    throw new CreditError(
      "amountCents" in input ? "montant" : "lignes",
      `L'avoir (${euros(totalCents)}) dépasse ce qui reste facturé sans avoir (${euros(left)}).`,
    );
  return issueCreditNote(trx, tenant, actor, invoice, lines, today);
}

/**
 * An avoir on the invoice, staff's or the Trésor public's correction: issued, audited, then
 * settled against what the family owes.
 */
export async function issueCreditNote(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  invoice: ToCredit,
  lines: CreditLine[],
  today: string,
  correction: { kind: "reduction" | "annulation"; ref: string } | null = null,
) {
  const credit = await insertCreditNote(trx, tenant.id, invoice, lines, today, correction);
  await recordWrite(trx, tenant.id, actor, {
    householdId: invoice.household_id,
    action: "create",
    entity: "invoices",
    entityId: credit.id,
    fields: [correction ? "treasury_correction" : "credit_note", "total_cents"],
  });
  await settleCreditNote(trx, tenant, invoice, credit);
  return credit;
}
