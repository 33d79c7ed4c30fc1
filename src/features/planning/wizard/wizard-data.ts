import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { ageOn, type IsoDate, longDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import * as completeness from "../../completeness/service.ts";
import { LIVE_STATUSES } from "../booking/booking-service.ts";
import { STATUS_LABELS } from "../common/labels.ts";
import { findPeriod } from "../offer/period-service.ts";
import type { GridChild } from "./wizard-grid.ts";

/** Step 1: the household's children, with their age today (« Enfant 1 MAIRIE (5 ans) »). */
export async function householdChildren(trx: Trx, householdId: string, today: IsoDate) {
  const rows = await trx
    .selectFrom("children")
    .select(["id", "first_name", "last_name", "birth_date"])
    .where("household_id", "=", householdId)
    .orderBy("birth_date")
    .orderBy("first_name")
    .execute();
  return rows.map((r) => ({
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
  const rows = await trx
    .selectFrom("bookings as b")
    .innerJoin("children as c", "c.id", "b.child_id")
    .select(["b.day", "b.status", "c.id as child_id", "c.first_name", "c.last_name"])
    .where("b.dossier_id", "=", dossier.id)
    .orderBy("c.birth_date")
    .orderBy("b.day")
    .execute();
  const lines = new Map<string, { child: string; days: { label: string; status: string }[] }>();
  for (const r of rows) {
    const line = lines.get(r.child_id) ?? { child: `${r.first_name} ${r.last_name}`, days: [] };
    line.days.push({ label: longDate(r.day), status: STATUS_LABELS[r.status] });
    lines.set(r.child_id, line);
  }
  return { number: dossier.number, period, lines: [...lines.values()] };
}
