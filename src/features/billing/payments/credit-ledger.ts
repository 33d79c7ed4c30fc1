import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { MIN_CENTS } from "../../../integrations/payfip/rules.ts";

/**
 * The household's account per régie (issue 10): invoices are debits; payments and credit
 * notes are credits; a refund gives credit back. A credit note's money is spent on invoices
 * through credit_allocations, which move nothing on the balance: they say which invoice
 * the credit settled. What no allocation or refund has used is a credit the family holds.
 */

/** Payments received on invoice `i` (queries alias the invoice `i`). */
export const paidSql = sql<string>`coalesce((select sum(p.amount_cents) from payments p where p.invoice_id = i.id), 0)`;
/** Credit (avoirs) spent on invoice `i`. */
export const allocatedSql = sql<string>`coalesce((select sum(a.amount_cents) from credit_allocations a where a.invoice_id = i.id), 0)`;
/** Paid plus credit spent on invoice `i`. */
export const settledSql = sql<string>`(${paidSql} + ${allocatedSql})`;

type Account = { householdId: string; regieId: string };

/** Serialises every change to one household's account in one régie until the transaction ends. */
export async function lockAccount(trx: Trx, a: Account) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ledger:${a.householdId}:${a.regieId}`}, 0))`.execute(
    trx,
  );
}

/**
 * Where the account's credit comes from, per document (invoices aliased `c`): a credit note's
 * total, or what an invoice received beyond its total (a PayFiP page paid late, a basket paid
 * twice). Allocations out of a source spend it; its own allocations in count as settled.
 */
export function grossCreditOf(alias: string) {
  const [id, kind, total] = ["id", "kind", "total_cents"].map((col) => sql.ref(`${alias}.${col}`));
  return sql<string>`case when ${kind} = 'credit_note' then ${total} else greatest(0,
    coalesce((select sum(p.amount_cents) from payments p where p.invoice_id = ${id}), 0)
    + coalesce((select sum(a.amount_cents) from credit_allocations a where a.invoice_id = ${id}), 0)
    - ${total}) end`;
}
const grossSql = grossCreditOf("c");

/**
 * The credit the family holds in the régie, the ledger's own figure: credit notes and
 * overpayments less what was spent on invoices, refunded (asked or paid), or reserved by a
 * basket being paid. With what is left to pay on invoices, it makes the balance (balance =
 * owed − credit, once reserved credit and refunds asked are spent).
 */
export async function availableCredit(trx: Trx, a: Account): Promise<number> {
  const of = (table: string, column: string, extra = "") =>
    sql<string>`coalesce((select sum(${sql.ref(column)}) from ${sql.table(table)}
      where household_id = ${a.householdId} and regie_id = ${a.regieId} ${sql.raw(extra)}), 0)`;
  // One round trip for the four sums.
  const { rows } = await sql<{ s: string }>`select (
      coalesce((select sum(${grossSql}) from invoices c
        where c.household_id = ${a.householdId} and c.regie_id = ${a.regieId}), 0)
      - ${of("credit_allocations", "amount_cents")}
      - ${of("refunds", "amount_cents")}
      - ${of("baskets", "credit_cents", "and state = 'paying'")}
    )::bigint as s`.execute(trx);
  return Math.max(0, Number(rows[0]?.s ?? 0));
}

/**
 * The share of a basket's total the family's credit pays: all of it, or as much as leaves
 * PayFiP at least its minimum to take.
 */
export function creditShare(totalCents: number, availableCents: number): number {
  const credit = Math.min(totalCents, availableCents);
  if (credit < totalCents && totalCents - credit < MIN_CENTS) return Math.max(0, totalCents - MIN_CENTS);
  return credit;
}

/** What is left to pay on an invoice: its total less payments and credit spent on it. */
export async function remainingCents(
  trx: Trx,
  invoiceId: string,
): Promise<{ total: number; settled: number }> {
  const row = await trx
    .selectFrom("invoices as i")
    .select(["i.total_cents", settledSql.as("settled")])
    .where("i.id", "=", invoiceId)
    .executeTakeFirst();
  if (!row) throw notFound();
  return { total: Number(row.total_cents), settled: Number(row.settled) };
}

/**
 * Spends the account's credit on an invoice, credit notes first then overpaid invoices, oldest
 * first (or only `noteId`'s); an allocation's `credit_note_id` names the source either way,
 * up to what is left to pay and to `maxCents`. Returns what was spent. Callers never spend
 * the family's credit on an invoice handed to the Treasury: only its own corrections.
 */
export async function spendCredit(
  trx: Trx,
  tenantId: string,
  invoice: Account & { id: string },
  maxCents = Number.MAX_SAFE_INTEGER,
  noteId: string | null = null,
): Promise<number> {
  await lockAccount(trx, invoice);
  const { total, settled } = await remainingCents(trx, invoice.id);
  let want = Math.min(total - settled, await availableCredit(trx, invoice), maxCents);
  const spent = want;
  if (want <= 0) return 0;
  const notes = await trx
    .selectFrom("invoices as c")
    .select([
      "c.id",
      sql<string>`${grossSql} - coalesce((select sum(a.amount_cents) from credit_allocations a where a.credit_note_id = c.id), 0)`.as(
        "unspent",
      ),
    ])
    .where("c.household_id", "=", invoice.householdId)
    .where("c.regie_id", "=", invoice.regieId)
    .where("c.id", "<>", invoice.id)
    .$if(noteId !== null, (q) => q.where("c.id", "=", noteId as string))
    .orderBy(sql`c.kind = 'credit_note'`, "desc")
    .orderBy("c.issued_on")
    .orderBy("c.seq")
    .execute();
  for (const n of notes) {
    const take = Math.min(want, Number(n.unspent));
    if (take <= 0) continue;
    await trx
      .insertInto("credit_allocations")
      .values({
        tenant_id: tenantId,
        household_id: invoice.householdId,
        regie_id: invoice.regieId,
        credit_note_id: n.id,
        invoice_id: invoice.id,
        amount_cents: take,
      })
      .execute();
    want -= take;
    if (want === 0) break;
  }
  return spent - want;
}

/** Spends the account's credit on its open invoices, `first` before the others, oldest first. */
export async function spendOnOpenInvoices(trx: Trx, tenantId: string, a: Account, first?: string) {
  const open = await trx
    .selectFrom("invoices as i")
    .select("i.id")
    .where("i.household_id", "=", a.householdId)
    .where("i.regie_id", "=", a.regieId)
    .where("i.kind", "=", "invoice")
    .where("i.treasury_ref", "is", null)
    .where(sql<boolean>`i.total_cents > ${settledSql}`)
    .orderBy(sql`i.id = ${first ?? null} desc nulls last`)
    .orderBy("i.issued_on")
    .orderBy("i.seq")
    .execute();
  for (const i of open) {
    if ((await spendCredit(trx, tenantId, { ...a, id: i.id })) === 0) return;
  }
}

/** « Solde du compte »: invoices − payments − credit notes + refunds paid (negative: in credit). */
export async function balance(trx: Trx, a: Account): Promise<number> {
  const row = await trx
    .selectFrom("households as h")
    .select([
      sql<string>`coalesce((select sum(case when i.kind = 'invoice' then i.total_cents else -i.total_cents end)
        from invoices i where i.household_id = h.id and i.regie_id = ${a.regieId}), 0)
        - coalesce((select sum(p.amount_cents) from payments p where p.household_id = h.id and p.regie_id = ${a.regieId}), 0)
        + coalesce((select sum(r.amount_cents) from refunds r where r.household_id = h.id and r.regie_id = ${a.regieId}
          and r.state = 'paid'), 0)`.as("b"),
    ])
    .where("h.id", "=", a.householdId)
    .executeTakeFirst();
  return Number(row?.b ?? 0);
}

/** Households holding credit notes or overpaid invoices in a régie: the only ones an invoicing run spends credit for. */
export async function householdsWithCredit(trx: Trx, regieId: string): Promise<Set<string>> {
  const rows = await trx
    .selectFrom("invoices as c")
    .select("c.household_id")
    .distinct()
    .where("c.regie_id", "=", regieId)
    .where(sql<boolean>`${grossSql} > 0`)
    .execute();
  return new Set(rows.map((r) => r.household_id));
}
