import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type RawBuilder, sql } from "kysely";
import type { z } from "zod";
import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { submitForm, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { callerScope, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { parisToday, shortDate } from "../../../lib/dates.ts";
import type { Actor } from "../../audit/service.ts";
import { actorNames } from "../../audit/service.ts";
import { invoicesWithRegie } from "../invoice-rows.ts";
import { paidSql, settledSql } from "../payments/credit-ledger.ts";
import { amountsOf, INVOICE_STATE_LABELS, type InvoiceState, type InvoiceSums } from "../payments/ledger.ts";
import { canTransmit } from "../payments/treasury-service.ts";
import { euros } from "../pricing/pricing.ts";
import { HOUSEHOLD_REGIE_COLUMNS, PAYMENT_COLUMNS } from "../staff-columns.ts";
import { creditableLines } from "./credit-service.ts";

/** Staff wording of the payment methods (the statement's « par chèque » reads in a sentence). */
export const METHOD_NAMES = {
  cheque: "Chèque",
  especes: "Espèces",
  cesu: "CESU",
  virement: "Virement",
  payfip_card: "Carte bancaire (PayFiP)",
  payfip_debit: "Prélèvement (PayFiP)",
} as const;

/** Methods staff record at the desk (online payments arrive from PayFiP). */
export const DESK_METHODS = ["cheque", "especes", "cesu", "virement"] as const;

export const STATES = Object.keys(INVOICE_STATE_LABELS) as InvoiceState[];

const settled = settledSql;

const STATE_SQL: Record<InvoiceState, RawBuilder<boolean>> = {
  paid: sql`${settled} >= i.total_cents and (${paidSql} > 0 or i.total_cents = 0)`,
  credited: sql`${settled} >= i.total_cents and ${paidSql} = 0 and i.total_cents > 0`,
  treasury: sql`${settled} < i.total_cents and i.treasury_ref is not null`,
  partly_paid: sql`${settled} < i.total_cents and i.treasury_ref is null and ${paidSql} > 0`,
  to_pay: sql`${settled} < i.total_cents and i.treasury_ref is null and ${paidSql} = 0`,
};

/** Past invoicing runs, the latest first. */
export function pastRuns(trx: Trx) {
  return trx
    .selectFrom("invoicing_runs as x")
    .innerJoin("regies as r", "r.id", "x.regie_id")
    .leftJoin("users as u", "u.id", "x.issued_by")
    .selectAll("x")
    .select(["r.name as regie", ...actorNames("u", "x.issued_by")])
    .orderBy("x.issued_at", "desc")
    .limit(100)
    .execute();
}

export interface InvoiceFilters {
  q: string;
  regieId: string | null;
  state: InvoiceState | null;
}

export const LIST_LIMIT = 200;

/** A listed invoice with its amounts in numbers, what is left and its state. */
function withState<R extends InvoiceSums>(r: R) {
  const { totalCents, leftCents, state } = amountsOf(r);
  return { ...r, totalCents, remainingCents: leftCents, state };
}

/** Invoices with their household and régie, as the staff's list and invoice page read them. */
const invoicesRead = (trx: Trx) =>
  invoicesWithRegie(trx).innerJoin("households as h", "h.id", "i.household_id");

const INVOICE_COLUMNS = [
  "i.id",
  "i.number",
  "i.month",
  "i.issued_on",
  "i.due_on",
  "i.total_cents",
  "i.treasury_ref",
  ...HOUSEHOLD_REGIE_COLUMNS,
  settled.as("settled"),
  paidSql.as("paid"),
] as const;

/** Invoices (not avoirs) matching a household name, N° Famille or invoice number, a régie, a state. */
export async function invoiceList(trx: Trx, f: InvoiceFilters) {
  let query = invoicesRead(trx).select(INVOICE_COLUMNS).where("i.kind", "=", "invoice");
  const q = f.q.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    query = query.where((eb) =>
      eb.or([eb("h.name", "ilike", like), eb("h.number", "=", q), eb("i.number", "ilike", like)]),
    );
  }
  if (f.regieId) query = query.where("i.regie_id", "=", f.regieId);
  if (f.state) query = query.where(STATE_SQL[f.state]);
  const rows = await query
    .orderBy("i.issued_on", "desc")
    .orderBy("i.seq", "desc")
    .limit(LIST_LIMIT)
    .execute();
  return rows.map(withState);
}

async function invoiceHead(trx: Trx, id: string) {
  const row = await invoicesRead(trx)
    .leftJoin("invoices as o", "o.id", "i.credited_invoice_id")
    .select(INVOICE_COLUMNS)
    .select([
      "i.kind",
      "i.treasury_at",
      "i.credited_invoice_id",
      "o.number as credited_number",
      "h.id as household_id",
      "r.collection",
      "i.treasury_correction",
      "i.treasury_correction_ref",
    ])
    .where("i.id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** Everything the staff invoice page shows: lines, payments, avoirs, state, what may be done. */
export async function invoiceDetail(trx: Trx, id: string) {
  const head = await invoiceHead(trx, id);
  const { totalCents, settledCents, leftCents, state } = amountsOf(head);
  const remaining = head.kind === "invoice" ? leftCents : 0;
  const credits = await trx
    .selectFrom("invoices")
    .select(["id", "number", "issued_on", "total_cents", "treasury_correction", "treasury_correction_ref"])
    .where("credited_invoice_id", "=", id)
    .orderBy("seq")
    .execute();
  const creditable = totalCents - credits.reduce((s, a) => s + Number(a.total_cents), 0);
  const open = head.kind === "invoice" && !head.treasury_ref;
  return {
    invoice: { ...head, totalCents, settledCents, remainingCents: remaining },
    state: head.kind === "invoice" ? state : null,
    lines: await creditableLines(trx, id),
    payments: await invoicePayments(trx, id),
    credits,
    creditableCents: open ? creditable : 0,
    canPay: open && remaining > 0,
    canCredit: open && creditable > 0,
    canCorrect: head.kind === "invoice" && head.treasury_ref !== null && remaining > 0,
    canTransmit: canTransmit({ ...head, treasuryRef: head.treasury_ref, remainingCents: remaining }),
  };
}

/** The payments on an invoice in the order received, with who recorded each. */
function invoicePayments(trx: Trx, id: string) {
  return trx
    .selectFrom("payments as p")
    .leftJoin("users as u", "u.id", "p.recorded_by")
    .select(PAYMENT_COLUMNS)
    .where("p.invoice_id", "=", id)
    .orderBy("p.received_on")
    .orderBy("p.created_at")
    .execute();
}

/** The signed-in agent as the request scope and as the author of a write. */
export function staffScope(c: Context<AppEnv>) {
  const db = callerScope(c);
  const actor: Actor & { kind: "staff" } = { kind: "staff", userId: db.userId };
  return { db, actor };
}

const NOTICES: Record<string, string> = {
  reglement: "Le règlement a été enregistré.",
  avoir: "L'avoir a été créé.",
  tresor: "La facture a été transmise au Trésor public.",
  correction: "La correction du Trésor public a été enregistrée.",
};

/** Helpers every billing staff template uses. */
export const FORMAT = { euros, date: shortDate, METHOD_NAMES, STATE_LABELS: INVOICE_STATE_LABELS };

export interface FormState {
  form?: "reglement" | "tresor" | "correction";
  values?: Record<string, string>;
  errors?: Record<string, string>;
}

/** The staff invoice page, with a form's errors when one was refused. */
export async function showInvoice(
  c: Context<AppEnv>,
  deps: Deps,
  id: string,
  state: FormState = {},
  status: ContentfulStatusCode = 200,
) {
  const detail = await inTransaction(c, deps.db, (trx) => invoiceDetail(trx, id));
  const today = parisToday(deps.now());
  return page(
    c,
    "billing/staff/invoice",
    {
      ...detail,
      ...FORMAT,
      DESK_METHODS,
      today,
      flash: NOTICES[c.req.query("fait") ?? ""],
      form: state.form ?? null,
      values: state.values ?? { date: today },
      errors: state.errors ?? {},
    },
    status,
  );
}

/**
 * A staff action on an invoice (règlement, avoir, Trésor), in the request's transaction as the
 * signed-in agent, then back to the invoice's page with its notice.
 */
export async function onInvoice(
  c: Context<AppEnv>,
  deps: Deps,
  id: string,
  done: keyof typeof NOTICES,
  action: (trx: Trx, actor: Actor & { kind: "staff" }) => Promise<unknown>,
) {
  const { actor } = staffScope(c);
  await inTransaction(c, deps.db, (trx) => action(trx, actor));
  return seeOther(c, `/agents/facturation/factures/${id}?fait=${done}`);
}

/**
 * A form of the staff invoice page (règlement, Trésor, correction): its action on the valid
 * input, then back to the page with its notice; refused, the page again with the form (422).
 */
export function invoiceForm<S extends z.ZodType>(
  c: Context<AppEnv>,
  deps: Deps,
  form: NonNullable<FormState["form"]>,
  schema: S,
  action: (trx: Trx, actor: Actor & { kind: "staff" }, input: z.infer<S>, id: string) => Promise<unknown>,
) {
  const id = uuidParam(c, "id");
  return submitForm(c, schema, {
    valid: (input) => onInvoice(c, deps, id, form, (trx, actor) => action(trx, actor, input, id)),
    invalid: (state) => showInvoice(c, deps, id, { form, ...state }, 422),
  });
}

/** An invoice's number, for the name of its PDF. */
export async function invoiceNumber(trx: Trx, id: string) {
  const row = await trx.selectFrom("invoices").select("number").where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound();
  return row.number;
}
