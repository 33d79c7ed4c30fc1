import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { addDays, addMonths, daysBetween, deadline } from "../../../lib/dates.ts";
import type { Tariff } from "../../../tenancy/billing-schema.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { allPeriods } from "../../planning/offer/period-service.ts";
import { type DayUnit, type Household, type PricedLine, priceDays, total } from "./pricing.ts";

/** A line to bill, with the booking it comes from. */
export interface BillableLine extends PricedLine {
  bookingId: string;
}

export interface HouseholdBill {
  householdId: string;
  name: string;
  number: string;
  lines: BillableLine[];
  totalCents: number;
}

/** What pricing a régie's month reads once, whichever of its households are billed. */
export interface MonthPricing {
  tenant: Tenant;
  regieId: string;
  month: string;
  tariffs: Tariff[];
  /** The children and periods whose flat rate an earlier invoice already bills. */
  flatsBilled: Set<string>;
  /** The last instant to book each period's days of the month without the late surcharge. */
  deadlines: { periodIds: string[]; days: string[]; limits: Date[] };
}

export async function monthPricing(
  trx: Trx,
  tenant: Tenant,
  regieId: string,
  month: string,
): Promise<MonthPricing> {
  const all = await tariffs(trx);
  const flatsBilled = await flatRatesBilled(trx, regieId);
  const deadlines = await bookingDeadlines(trx, month);
  return { tenant, regieId, month, tariffs: all, flatsBilled, deadlines };
}

/**
 * The régie's days of a month not billed yet (docs/domain.md « Billing »): present and « absent
 * facturé » are billed, « absent excusé » is not, a day nobody marked follows the town's
 * rule, and a late cancellation stays billed with its surcharge.
 */
function billableDays(trx: Trx, m: MonthPricing) {
  const unmarkedBilled = m.tenant.config.billing.unmarkedBooking === "billed";
  return trx
    .selectFrom("bookings as b")
    .innerJoin("services as s", "s.id", "b.service_id")
    .where("s.regie_id", "=", m.regieId)
    .where("b.day", ">=", `${m.month}-01`)
    .where("b.day", "<=", addDays(`${addMonths(m.month, 1)}-01`, -1))
    .where((eb) =>
      eb.or([
        eb.and([
          eb("b.status", "in", ["accepted", "cancel_requested"]),
          eb.or([
            eb("b.attendance", "in", ["present", "absent_billed"]),
            unmarkedBilled ? eb("b.attendance", "is", null) : sql<boolean>`false`,
          ]),
        ]),
        eb.and([eb("b.status", "=", "cancelled"), eb("b.late_cancel", "=", true)]),
      ]),
    )
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("invoice_lines as l").select("l.id").whereRef("l.booking_id", "=", "b.id"))),
    );
}

/** What pricing reads of a booked day (joined as « b ») and its service (« s »). */
export const PRICED_DAY = [
  "b.id",
  "b.child_id",
  "b.day",
  "b.period_id",
  "s.key as service_key",
  "s.unit",
] as const;

/** A row read with PRICED_DAY. */
interface PricedDay {
  id: string;
  unit: DayUnit["unit"];
  period_id: string;
  child_id: string;
  service_key: string;
  day: string;
}

/** A booked day as pricing takes it, under the label of its line. */
export const dayUnit = (r: PricedDay, label: string): DayUnit => ({
  ref: r.id,
  unit: r.unit,
  period: r.period_id,
  childId: r.child_id,
  service: r.service_key,
  day: r.day,
  label,
});

/** Household numbers in the order invoices follow (the default locale's, as localeCompare). */
const byNumber = new Intl.Collator().compare;

/** The households with days to bill, in household-number order (the order of their invoices). */
export async function billedHouseholds(trx: Trx, m: MonthPricing): Promise<string[]> {
  const rows = await billableDays(trx, m)
    .innerJoin("households as h", "h.id", "b.household_id")
    .select(["h.id", "h.number"])
    .distinct()
    .execute();
  return rows.sort((a, b) => byNumber(a.number, b.number)).map((r) => r.id);
}

/** The billable days of the households (all when none given), each with its line's label. */
function billableBookings(trx: Trx, m: MonthPricing, householdIds?: string[]) {
  const label = sql<string>`s.name || case when s.unit = 'flat'
    then ' – forfait ' || p.name || ' – ' || c.first_name || ' ' || c.last_name
    else ' – ' || c.first_name || ' ' || c.last_name || ' (' || to_char(b.day, 'DD/MM') || ')' end`;
  const { periodIds, days, limits } = m.deadlines;
  const deadlines = sql<{ period_id: string; day: string; limit_at: Date }>`unnest(${periodIds}::uuid[],
    ${days}::date[], ${limits}::timestamptz[])`;
  const query = billableDays(trx, m)
    .innerJoin("children as c", "c.id", "b.child_id")
    .innerJoin("periods as p", "p.id", "b.period_id")
    .leftJoin(deadlines.as<"dl">(sql`dl(period_id, day, limit_at)`), (j) =>
      j.onRef("dl.period_id", "=", "b.period_id").onRef("dl.day", "=", "b.day"),
    )
    .select([...PRICED_DAY, "b.household_id", label.as("label")])
    .select(sql<boolean>`b.status = 'cancelled' and b.late_cancel`.as("late_cancel"))
    .select(sql<boolean>`dl.limit_at is not null and (b.unbooked or b.created_at >= dl.limit_at)`.as("late"))
    .orderBy("b.household_id")
    .orderBy("b.day")
    .orderBy("c.birth_date");
  return (
    householdIds ? query.where(sql<boolean>`b.household_id = any(${householdIds}::uuid[])`) : query
  ).execute();
}

/** The household's price context: its QF when a valid proof is on file, and residence. */
export async function householdPricing(trx: Trx, tenant: Tenant, householdIds: string[]) {
  if (!householdIds.length) return new Map<string, Household & { name: string; number: string }>();
  const rows = await trx
    .selectFrom("households as h")
    .select(["h.id", "h.name", "h.number", "h.family_quotient", "h.postal_code"])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom("documents as d")
            .select("d.id")
            .whereRef("d.household_id", "=", "h.id")
            .where("d.type", "=", "attestation_qf")
            .where("d.state", "=", "validated")
            .where((w) =>
              w.or([w("d.valid_until", "is", null), w("d.valid_until", ">=", sql<string>`current_date`)]),
            ),
        )
        .as("qf_proven"),
    )
    .where(sql<boolean>`h.id = any(${householdIds}::uuid[])`)
    .execute();
  const codes = tenant.config.billing.residentPostalCodes;
  return new Map(
    rows.map((r) => [
      r.id,
      {
        name: r.name,
        number: r.number,
        qf: r.qf_proven ? r.family_quotient : null,
        resident: codes.length === 0 || codes.includes(r.postal_code ?? ""),
      },
    ]),
  );
}

/** The tariffs of the town, as the tenant file shapes them. */
export async function tariffs(trx: Trx): Promise<Tariff[]> {
  return (await trx.selectFrom("tariffs").select("spec").execute()).map((t) => t.spec);
}

/** Invoice lines (joined as « l ») with the booked day each bills (« b »). */
export const billedDays = (trx: Trx) =>
  trx.selectFrom("invoice_lines as l").innerJoin("bookings as b", "b.id", "l.booking_id");

/** The children and periods whose flat rate an earlier invoice already bills. */
async function flatRatesBilled(trx: Trx, regieId: string): Promise<Set<string>> {
  const rows = await billedDays(trx)
    .innerJoin("services as s", "s.id", "b.service_id")
    .select(["b.child_id", "b.period_id"])
    .where("s.regie_id", "=", regieId)
    .where("s.unit", "=", "flat")
    .distinct()
    .execute();
  return new Set(rows.map((r) => `${r.child_id}|${r.period_id}`));
}

/**
 * Booked after the notice (by staff, past the cut-off) or not at all (added at « pointage »):
 * such a day carries the tariff's late-booking surcharge. The deadlines of every period's days
 * of the month are computed here once; the billable days' query compares them.
 */
async function bookingDeadlines(trx: Trx, month: string): Promise<MonthPricing["deadlines"]> {
  const days = daysBetween(`${month}-01`, addDays(`${addMonths(month, 1)}-01`, -1));
  const out: MonthPricing["deadlines"] = { periodIds: [], days: [], limits: [] };
  for (const period of await allPeriods(trx))
    for (const day of days) {
      out.periodIds.push(period.id);
      out.days.push(day);
      out.limits.push(deadline(day, period.rules.noticeDays, period.rules.cutoff));
    }
  return out;
}

/** Priced bills per household, in household-number order: the month's, or these households'. */
export async function bills(trx: Trx, m: MonthPricing, householdIds?: string[]): Promise<HouseholdBill[]> {
  const rows = await billableBookings(trx, m, householdIds);
  const pricing = await householdPricing(trx, m.tenant, [...new Set(rows.map((r) => r.household_id))]);
  // Rows come ordered by household: group them once (a town has thousands of households).
  const byHousehold = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byHousehold.get(r.household_id);
    if (list) list.push(r);
    else byHousehold.set(r.household_id, [r]);
  }
  const out: HouseholdBill[] = [];
  for (const [householdId, h] of pricing) {
    const units: DayUnit[] = (byHousehold.get(householdId) ?? [])
      .filter((r) => r.unit !== "flat" || !m.flatsBilled.has(`${r.child_id}|${r.period_id}`))
      .map((r) => ({ ...dayUnit(r, r.label), lateBooking: r.late, lateCancellation: r.late_cancel }));
    const lines: BillableLine[] = priceDays(m.tariffs, units, h).map((l) => ({
      ...l,
      bookingId: l.ref as string,
    }));
    if (lines.length === 0) continue;
    out.push({ householdId, name: h.name, number: h.number, lines, totalCents: total(lines) });
  }
  return out.sort((a, b) => byNumber(a.number, b.number));
}
