import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { BookingStatus } from "../../../db/planning-types.ts";
import { notFound } from "../../../http/errors.ts";
import { longDate } from "../../../lib/dates.ts";
import { recordWrite } from "../../audit/service.ts";
import { billing } from "../billing-port.ts";
import { everyOr404, PlanningError, type Problem } from "../common/errors.ts";
import { findPeriod, type Period } from "../offer/period-service.ts";
import type { PlanningContext } from "./booking-service.ts";
import { dossierNumber } from "./dossier-numbers.ts";
import { promoteWaiting, releasePlace } from "./places/places.ts";
import { cancelCheck } from "./rules.ts";

const CANCELLABLE: BookingStatus[] = ["pending", "accepted", "waiting", "offered"];

export interface CancelInput {
  bookingIds: string[];
  idempotencyKey: string;
  /** The parent has read what a late cancellation costs and confirms. */
  confirmLate: boolean;
}

export interface CancelPreview {
  bookingId: string;
  day: string;
  /** "free", or "late_billed": the day stays billed. */
  kind: "free" | "late_billed";
  /** A reviewing town turns the cancellation of an accepted day into a « Demande d'annulation ». */
  request: boolean;
}

/** The household's bookings among `ids`, by day, or 404 if any is not theirs. */
function load(trx: Trx, householdId: string, ids: string[]) {
  return everyOr404(ids, (unique) =>
    trx
      .selectFrom("bookings")
      .selectAll()
      .where("household_id", "=", householdId)
      .where("id", "in", unique)
      .orderBy("day")
      .execute(),
  );
}

/** What cancelling these bookings would do, or every reason it cannot (nothing written). */
export async function previewCancel(trx: Trx, ctx: PlanningContext, ids: string[]): Promise<CancelPreview[]> {
  const rows = await load(trx, ctx.householdId, ids);
  if (rows.length === 0) throw new PlanningError([{ message: "Choisissez au moins un jour à annuler." }]);
  const periods = new Map<string, Period>();
  const problems: Problem[] = [];
  const previews: CancelPreview[] = [];
  for (const b of rows) {
    const period = periods.get(b.period_id) ?? (await findPeriod(trx, b.period_id));
    if (!period) throw notFound();
    periods.set(period.id, period);
    if (!CANCELLABLE.includes(b.status)) {
      problems.push({
        day: b.day,
        message: `${longDate(b.day)} : cette réservation ne peut plus être annulée.`,
      });
      continue;
    }
    // Only a place the town has granted is bound by the cancellation limit.
    const check = b.status === "accepted" ? cancelCheck(period, b.day, ctx.now) : { kind: "free" as const };
    if (check.kind === "refused" && ctx.actor.kind === "parent") {
      problems.push({ day: b.day, message: `${longDate(b.day)} : ${check.label}` });
      continue;
    }
    const request =
      ctx.actor.kind === "parent" && b.status === "accepted" && period.rules.acceptance === "review";
    previews.push({
      bookingId: b.id,
      day: b.day,
      kind: check.kind === "late_billed" ? "late_billed" : "free",
      request,
    });
  }
  if (problems.length) throw new PlanningError(problems);
  return previews;
}

/**
 * « Annuler »: one day (« Cette demande ») or several (« Plus de jours »), in one dossier,
 * all or none. Places held are released and the waiting list is served (by the job when a
 * parent cancels: the next family in line is not theirs to see).
 */
export async function cancel(trx: Trx, ctx: PlanningContext, input: CancelInput) {
  const previews = await previewCancel(trx, ctx, input.bookingIds);
  if (previews.some((p) => p.kind === "late_billed") && !input.confirmLate)
    throw new PlanningError([
      { message: "Confirmez l'annulation tardive : ces jours vous seront facturés." },
    ]);
  const rows = await load(trx, ctx.householdId, input.bookingIds);
  await lockPlaces(trx, rows);
  const dossier = await openDossier(trx, ctx, rows[0]?.period_id as string, input.idempotencyKey);
  if (!dossier) return { replayed: true, count: 0 };
  for (const p of previews) {
    const b = rows.find((r) => r.id === p.bookingId);
    if (b) await cancelDay(trx, ctx, p, b, dossier.id);
  }
  const free = previews.filter((p) => !p.request && p.kind === "free").map((p) => p.bookingId);
  await billing().creditCancelledDays(trx, ctx.tenant, ctx.actor, free, ctx.now);
  await recordWrite(trx, ctx.tenant.id, ctx.actor, {
    householdId: ctx.householdId,
    action: "cancel",
    entity: "booking_dossiers",
    entityId: dossier.id,
    fields: [],
  });
  return { replayed: false, count: previews.length, number: dossier.number };
}

/** The cancellation's dossier; none when this key was already used (a replayed form). */
function openDossier(trx: Trx, ctx: PlanningContext, periodId: string, key: string) {
  return trx
    .insertInto("booking_dossiers")
    .values({
      tenant_id: ctx.tenant.id,
      household_id: ctx.householdId,
      number: dossierNumber(),
      kind: "cancellation",
      period_id: periodId,
      created_by: ctx.actor.userId,
      created_by_name: ctx.actorName,
      idempotency_key: key,
    })
    .onConflict((oc) => oc.columns(["tenant_id", "household_id", "idempotency_key"]).doNothing())
    .returning(["id", "number"])
    .executeTakeFirst();
}

/** One day cancelled (or its cancellation requested), its place freed when it held one. */
async function cancelDay(
  trx: Trx,
  ctx: PlanningContext,
  p: Awaited<ReturnType<typeof previewCancel>>[number],
  b: { id: string; holds_place: boolean; period_id: string; day: string },
  dossierId: string,
) {
  await trx
    .updateTable("bookings")
    .set({
      status: p.request ? "cancel_requested" : "cancelled",
      holds_place: p.request ? b.holds_place : false,
      late_cancel: p.kind === "late_billed",
      cancel_dossier_id: dossierId,
      updated_at: sql`now()`,
    })
    .where("id", "=", b.id)
    .execute();
  if (!p.request && b.holds_place) await freePlace(trx, ctx, b.period_id, b.day);
}

/**
 * Locks the day counters the cancellation will release, in (day, period) order: book() locks
 * its days in day order too (in its last statement), so a cancellation racing bookings of
 * the same day cannot deadlock with them. Dossier numbers come from a sequence: no lock.
 */
async function lockPlaces(trx: Trx, rows: { period_id: string; day: string; holds_place: boolean }[]) {
  const held = rows.filter((r) => r.holds_place);
  if (held.length === 0) return;
  await trx
    .selectFrom("occupancy")
    .select("day")
    .where((eb) => eb.or(held.map((r) => eb.and([eb("period_id", "=", r.period_id), eb("day", "=", r.day)]))))
    .orderBy("day")
    .orderBy("period_id")
    .forUpdate()
    .execute();
}

/** Releases a place; staff serve the waiting list at once, a parent leaves it to the job. */
export async function freePlace(
  trx: Trx,
  ctx: Pick<PlanningContext, "tenant" | "actor">,
  periodId: string,
  day: string,
) {
  await releasePlace(trx, periodId, day);
  if (ctx.actor.kind === "staff") {
    const period = await findPeriod(trx, periodId);
    if (period) await promoteWaiting(trx, ctx.tenant, period, day);
    return;
  }
  await trx
    .insertInto("place_releases")
    .values({ tenant_id: ctx.tenant.id, period_id: periodId, day })
    .execute();
}
