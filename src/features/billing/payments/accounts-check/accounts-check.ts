import { sql } from "kysely";
import type { Trx } from "../../../../db/database.ts";
import { grossCreditOf } from "../credit-ledger.ts";

/**
 * « Contrôle des comptes » (issue 10): the ledger's invariants checked for a whole town.
 * Each query returns its exceptions; none is the expected answer. Runs as staff (the page)
 * or as the jobs persona (nightly), so it reads ledger and booking tables only.
 */

export type Rule =
  | "invoice_total"
  | "payment_invoice"
  | "over_settled"
  | "credit_overspent"
  | "credit_unspent"
  | "day_unpaid"
  | "day_credited_and_billed"
  | "title_moved";

export const RULE_LABELS: Record<Rule, string> = {
  invoice_total: "Total de facture différent de la somme de ses lignes",
  payment_invoice: "Règlement rattaché à une autre famille, régie ou pièce qu'une facture",
  over_settled: "Facture réglée au-delà de son montant",
  credit_overspent: "Avoirs ou trop-perçus utilisés ou remboursés au-delà de leur montant",
  credit_unspent: "Avoir ou trop-perçu disponible non déduit d'une facture ouverte de la régie",
  day_unpaid: "Jour qui tient une place sans être payé, au panier ou facturé (service payé à la réservation)",
  day_credited_and_billed: "Jour annulé sans frais facturé sans avoir, ou jour crédité encore réservé",
  title_moved: "Titre émis suivi d'un règlement ou d'un avoir de la régie",
};

export interface Exception {
  rule: Rule;
  householdId: string;
  invoiceId: string | null;
  bookingId: string | null;
  detail: string;
}

type Row = { household_id: string; invoice_id: string | null; booking_id: string | null; detail: string };

const CHECKS: Record<Rule, ReturnType<typeof sql<Row>>> = {
  invoice_total: sql<Row>`
    select i.household_id, i.id as invoice_id, null::uuid as booking_id,
      i.number || ' : ' || i.total_cents || ' ≠ ' || coalesce(sum(l.amount_cents), 0) as detail
    from invoices i left join invoice_lines l on l.invoice_id = i.id
    group by i.tenant_id, i.id having i.total_cents <> coalesce(sum(l.amount_cents), 0)`,
  payment_invoice: sql<Row>`
    select p.household_id, i.id as invoice_id, null::uuid as booking_id, 'règlement sur ' || i.number as detail
    from payments p join invoices i on i.id = p.invoice_id
    where i.kind <> 'invoice' or i.household_id <> p.household_id or i.regie_id <> p.regie_id`,
  over_settled: sql<Row>`
    select i.household_id, i.id as invoice_id, null::uuid as booking_id, i.number as detail
    from invoices i where i.kind = 'invoice' and i.total_cents <
      coalesce((select sum(p.amount_cents) from payments p where p.invoice_id = i.id and p.attempt_id is null), 0)
      + coalesce((select sum(a.amount_cents) from credit_allocations a where a.invoice_id = i.id), 0)`,
  credit_overspent: sql<Row>`
    select c.household_id, c.id as invoice_id, null::uuid as booking_id, c.number as detail
    from invoices c where ${grossCreditOf("c")} <
      coalesce((select sum(a.amount_cents) from credit_allocations a where a.credit_note_id = c.id), 0)
    union all
    select x.household_id, null, null, 'avoirs ' || x.notes || ', utilisés ' || x.spent || ', remboursés ' || x.refunded
    from (select n.household_id, n.regie_id, sum(${grossCreditOf("n")}) as notes,
        coalesce((select sum(a.amount_cents) from credit_allocations a
          where a.household_id = n.household_id and a.regie_id = n.regie_id), 0) as spent,
        coalesce((select sum(r.amount_cents) from refunds r
          where r.household_id = n.household_id and r.regie_id = n.regie_id), 0) as refunded
      from invoices n group by n.household_id, n.regie_id) x
    where x.spent + x.refunded > x.notes`,
  credit_unspent: sql<Row>`
    select i.household_id, i.id as invoice_id, null::uuid as booking_id, i.number as detail
    from invoices i where i.kind = 'invoice' and i.treasury_ref is null
      and i.total_cents > coalesce((select sum(p.amount_cents) from payments p where p.invoice_id = i.id), 0)
        + coalesce((select sum(a.amount_cents) from credit_allocations a where a.invoice_id = i.id), 0)
      and not exists (select 1 from baskets k where k.household_id = i.household_id
        and k.regie_id = i.regie_id and k.state = 'paying')
      and (select coalesce(sum(${grossCreditOf("n")}), 0) from invoices n
          where n.household_id = i.household_id and n.regie_id = i.regie_id)
        > (select coalesce(sum(a.amount_cents), 0) from credit_allocations a
          where a.household_id = i.household_id and a.regie_id = i.regie_id)
        + (select coalesce(sum(r.amount_cents), 0) from refunds r
          where r.household_id = i.household_id and r.regie_id = i.regie_id)`,
  day_unpaid: sql<Row>`
    select b.household_id, null::uuid as invoice_id, b.id as booking_id,
      to_char(b.day, 'DD/MM/YYYY') || ' (' || b.status || ')' as detail
    from bookings b join periods pe on pe.id = b.period_id join services s on s.id = b.service_id
    where b.holds_place
      and coalesce(pe.rules->>'payment', s.rules->>'payment', 'invoiced') = 'at_booking'
      and case b.status
        when 'unpaid' then not exists (select 1 from baskets k where k.id = b.basket_id and k.state in ('open', 'paying'))
        when 'offered' then b.offer_expires_at is null
        else not exists (select 1 from invoice_lines l where l.booking_id = b.id
          and not exists (select 1 from invoice_lines c where c.credits_line_id = l.id))
      end`,
  day_credited_and_billed: sql<Row>`
    select b.household_id, l.invoice_id, b.id as booking_id,
      to_char(b.day, 'DD/MM/YYYY') || ' (' || b.status || ')' as detail
    from invoice_lines l join bookings b on b.id = l.booking_id join invoices i on i.id = l.invoice_id
    where i.kind = 'invoice' and (
      (b.status = 'cancelled' and not b.late_cancel
        and not exists (select 1 from invoice_lines c where c.credits_line_id = l.id))
      or (b.status in ('accepted', 'pending', 'cancel_requested')
        and exists (select 1 from invoice_lines c where c.credits_line_id = l.id)))`,
  title_moved: sql<Row>`
    select i.household_id, i.id as invoice_id, null::uuid as booking_id, i.number || ' (ORMC ' || i.treasury_ref || ')' as detail
    from invoices i where i.treasury_ref is not null and (
      exists (select 1 from payments p where p.invoice_id = i.id and p.attempt_id is null
        and p.created_at > i.treasury_at)
      or exists (select 1 from invoices c where c.credited_invoice_id = i.id and c.treasury_correction is null
        and c.created_at > i.treasury_at))`,
};

/** Every exception of the town, rule by rule. */
export async function checkAccounts(trx: Trx): Promise<Exception[]> {
  const out: Exception[] = [];
  for (const [rule, query] of Object.entries(CHECKS) as [Rule, (typeof CHECKS)[Rule]][]) {
    const { rows } = await query.execute(trx);
    for (const r of rows)
      out.push({
        rule,
        householdId: r.household_id,
        invoiceId: r.invoice_id,
        bookingId: r.booking_id,
        detail: r.detail,
      });
  }
  return out;
}

/** The exceptions with each household's label (« Nom (N° Famille 12) »), for the staff page. */
export async function accountsReport(trx: Trx) {
  const found = await checkAccounts(trx);
  const ids = [...new Set(found.map((e) => e.householdId))];
  const names = ids.length
    ? await trx.selectFrom("households").select(["id", "name", "number"]).where("id", "in", ids).execute()
    : [];
  return { found, names: new Map(names.map((n) => [n.id, `${n.name} (N° Famille ${n.number})`])) };
}
