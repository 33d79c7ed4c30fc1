import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { addDays, addMonths, deadline } from "../../../lib/dates.ts";
import type { Tariff } from "../../../tenancy/billing-schema.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { allPeriods } from "../../planning/offer/period-service.ts";
import { type DayUnit, type Household, type PricedLine, priceDays } from "./pricing.ts";

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

/**
 * The régie's days of a month not billed yet (docs/domain.md « Billing »): present and « absent
 * facturé » are billed, « absent excusé » is not, a day nobody marked follows the town's
 * rule, and a late cancellation stays billed with its surcharge.
 */
export async function billableBookings(trx: Trx, tenant: Tenant, regieId: string, month: string) {
  const unmarkedBilled = tenant.config.billing.unmarkedBooking === "billed";
  return trx
    .selectFrom("bookings as b")
    .innerJoin("services as s", "s.id", "b.service_id")
    .innerJoin("children as c", "c.id", "b.child_id")
    .innerJoin("periods as p", "p.id", "b.period_id")
    .select([
      "b.id",
      "b.household_id",
      "b.child_id",
      "b.day",
      "b.late_cancel",
      "b.status",
      "b.period_id",
      "b.created_at",
      "b.unbooked",
      "p.name as period_name",
      "s.key as service_key",
      "s.name as service_name",
      "s.unit",
      "c.first_name",
      "c.last_name",
    ])
    .where("s.regie_id", "=", regieId)
    .where("b.day", ">=", `${month}-01`)
    .where("b.day", "<=", addDays(`${addMonths(month, 1)}-01`, -1))
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
    )
    .orderBy("b.household_id")
    .orderBy("b.day")
    .orderBy("c.birth_date")
    .execute();
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
    .where("h.id", "in", householdIds)
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

const shortDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

/** The children and periods whose flat rate an earlier invoice already bills. */
async function flatRatesBilled(trx: Trx, regieId: string): Promise<Set<string>> {
  const rows = await trx
    .selectFrom("invoice_lines as l")
    .innerJoin("bookings as b", "b.id", "l.booking_id")
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
 * such a day carries the tariff's late-booking surcharge. Deadlines are computed once per day.
 */
async function lateBookings(trx: Trx) {
  const periods = new Map((await allPeriods(trx)).map((x) => [x.id, x]));
  const deadlines = new Map<string, Date | null>();
  const limitOf = (periodId: string, day: string) => {
    const key = `${periodId}|${day}`;
    if (!deadlines.has(key)) {
      const period = periods.get(periodId);
      deadlines.set(key, period ? deadline(day, period.rules.noticeDays, period.rules.cutoff) : null);
    }
    return deadlines.get(key) ?? null;
  };
  return (r: { period_id: string; day: string; unbooked: boolean; created_at: Date }) => {
    const limit = limitOf(r.period_id, r.day);
    return !!limit && (r.unbooked || r.created_at >= limit);
  };
}

/** Priced bills per household, in household-number order. */
export async function bills(
  trx: Trx,
  tenant: Tenant,
  regieId: string,
  month: string,
): Promise<HouseholdBill[]> {
  const rows = await billableBookings(trx, tenant, regieId, month);
  const pricing = await householdPricing(trx, tenant, [...new Set(rows.map((r) => r.household_id))]);
  const all = await tariffs(trx);
  const flatsBilled = await flatRatesBilled(trx, regieId);
  const late = await lateBookings(trx);
  // Rows come ordered by household: group them once (a town has thousands of households).
  const byHousehold = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byHousehold.get(r.household_id);
    if (list) list.push(r);
    else byHousehold.set(r.household_id, [r]);
  }
  const out: HouseholdBill[] = [];
  for (const [householdId, h] of pricing) {
    const mine = byHousehold.get(householdId) ?? [];
    const units: DayUnit[] = mine
      .filter((r) => r.unit !== "flat" || !flatsBilled.has(`${r.child_id}|${r.period_id}`))
      .map((r) => ({
        ref: r.id,
        unit: r.unit,
        period: r.period_id,
        childId: r.child_id,
        service: r.service_key,
        day: r.day,
        label:
          r.unit === "flat"
            ? `${r.service_name} – forfait ${r.period_name} – ${r.first_name} ${r.last_name}`
            : `${r.service_name} – ${r.first_name} ${r.last_name} (${shortDay(r.day)})`,
        lateBooking: late(r),
        lateCancellation: r.status === "cancelled" && r.late_cancel,
      }));
    const lines: BillableLine[] = priceDays(all, units, h).map((l) => ({ ...l, bookingId: l.ref as string }));
    if (lines.length === 0) continue;
    out.push({
      householdId,
      name: h.name,
      number: h.number,
      lines,
      totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
    });
  }
  return out.sort((a, b) => a.number.localeCompare(b.number));
}
