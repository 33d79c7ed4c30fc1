import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { ageOn, type IsoDate, longDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import * as completeness from "../../completeness/service.ts";
import { LIVE_STATUSES } from "../booking/booking-service.ts";
import { householdChildren, perChild } from "../common/children-service.ts";
import { STATUS_LABELS } from "../common/labels.ts";
import { bookingsPerChild } from "../common/place-query.ts";
import { findPeriod } from "../offer/period-service.ts";
import type { GridChild } from "./wizard-grid.ts";

/** Step 1: the household's children, with their age today (« Enfant 1 MAIRIE (5 ans) »). */
export async function childrenWithAge(trx: Trx, householdId: string, today: IsoDate) {
  return (await householdChildren(trx, householdId)).map((r) => ({
    id: r.id,
    name: `${r.first_name} ${r.last_name}`,
    age: ageOn(r.birth_date, today),
  }));
}

/** What the household, or one of the chosen children, still lacks before booking. */
export async function missingFor(trx: Trx, tenant: Tenant, householdId: string, childIds: string[]) {
  const items = new Map<string, completeness.MissingItem>();
  for (const id of childIds)
    for (const m of (await completeness.canBook(trx, tenant, householdId, id)).missing) items.set(m.label, m);
  return [...items.values()];
}

/** Places taken per day of the period. */
export async function occupancyOf(trx: Trx, periodId: string): Promise<Map<IsoDate, number>> {
  const rows = await trx
    .selectFrom("occupancy")
    .select(["day", "taken"])
    .where("period_id", "=", periodId)
    .execute();
  return new Map(rows.map((r) => [r.day, r.taken]));
}

/** First names of the chosen children already booked (live bookings), per day of the period. */
export async function bookedOf(
  trx: Trx,
  periodId: string,
  children: GridChild[],
): Promise<Map<IsoDate, string[]>> {
  const rows = await trx
    .selectFrom("bookings")
    .select(["day", "child_id"])
    .where("period_id", "=", periodId)
    .where(
      "child_id",
      "in",
      children.map((c) => c.id),
    )
    .where("status", "in", LIVE_STATUSES)
    .orderBy("day")
    .execute();
  const out = new Map<IsoDate, string[]>();
  for (const r of rows) {
    const name = children.find((c) => c.id === r.child_id)?.first_name ?? "";
    out.set(r.day, [...(out.get(r.day) ?? []), name]);
  }
  return out;
}

/** The confirmation of a validation: its dossier (the household's own: RLS) and its days. */
export async function dossierOf(trx: Trx, id: string) {
  const dossier = await trx
    .selectFrom("booking_dossiers")
    .select(["id", "number", "period_id"])
    .where("id", "=", id)
    .where("kind", "=", "booking")
    .executeTakeFirst();
  const period = dossier?.period_id ? await findPeriod(trx, dossier.period_id) : undefined;
  if (!dossier || !period) throw notFound();
  const rows = await bookingsPerChild(trx).where("b.dossier_id", "=", dossier.id).execute();
  const lines = perChild(rows, (r) => ({ label: longDate(r.day), status: STATUS_LABELS[r.status] }));
  return { number: dossier.number, period, lines: lines.map(({ name, days }) => ({ child: name, days })) };
}
