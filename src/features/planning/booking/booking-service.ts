import type { Trx } from "../../../db/database.ts";
import type { BookingStatus } from "../../../db/planning-types.ts";
import { notFound } from "../../../http/errors.ts";
import { isIsoDate, longDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import * as completeness from "../../completeness/service.ts";
import { billing } from "../billing-port.ts";
import type { NamedChild } from "../common/children-service.ts";
import { PlanningError, type Problem } from "../common/errors.ts";
import { enrolment } from "../enrolment-port.ts";
import type { Period } from "../offer/period-service.ts";
import { type BookingFacts, bookingFacts } from "./booking-read.ts";
import {
  bookedIn,
  bookTakingPlacesLast,
  confirmByMail,
  decidedStatus,
  writeDossier,
} from "./booking-write.ts";
import { takePlace } from "./places/places.ts";
import { bookingCheck, ineligibility } from "./rules.ts";

/** The booking rules other features apply too (enrolment: who may enrol, until when one may stop). */
export { cancelCheck, ineligibility } from "./rules.ts";

export interface PlanningContext {
  tenant: Tenant;
  actor: Actor;
  /** Who the dossier names as « Référent ». */
  actorName: string;
  householdId: string;
  now: Date;
}

export interface BookInput {
  periodId: string;
  childIds: string[];
  days: string[];
  /** The form's one-time key: a second submission finds the first dossier. */
  idempotencyKey: string;
}

/** A day of a child as a validation left it. */
export interface PlacedDay {
  childId: string;
  day: string;
  status: BookingStatus;
}

export interface BookResult {
  dossierId: string;
  number: string;
  replayed: boolean;
  bookings: PlacedDay[];
  /** When the last statement locked the days' places (database clock, ms), for lock timings. */
  lockedAt: number | null;
}

const LIVE: BookingStatus[] = ["pending", "accepted", "waiting", "offered", "cancel_requested", "unpaid"];
export const LIVE_STATUSES = LIVE;

/** The days the period's rules refuse; staff may still book late or outside the window. */
function dayProblems(ctx: PlanningContext, period: Period, days: string[]): Problem[] {
  const zone = ctx.tenant.config.holidayZone;
  const problems: Problem[] = [];
  for (const day of days) {
    const check = bookingCheck(period, day, ctx.now, zone);
    if (!check.ok && ctx.actor.kind === "parent")
      problems.push({ day, message: `${longDate(day)} : ${check.label}.` });
    else if (!check.ok && check.code !== "too_late" && check.code !== "window_closed")
      problems.push({ day, message: `${longDate(day)} : ${check.label}.` });
  }
  return problems;
}

/** Every reason the selection cannot be booked as asked (nothing is written). */
async function problemsOf(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  facts: BookingFacts,
  days: string[],
): Promise<Problem[]> {
  const { children } = facts;
  const problems: Problem[] = dayProblems(ctx, period, days);
  for (const child of children) {
    const name = `${child.first_name} ${child.last_name}`;
    const file = await completeness.canBook(trx, ctx.tenant, ctx.householdId, child.id);
    if (!file.ok)
      problems.push({
        childId: child.id,
        message: `Réservation impossible pour ${name} : formulaire incomplet.`,
      });
    for (const day of days) {
      const why = ineligibility(child, period, day);
      if (why) problems.push({ day, childId: child.id, message: `${name}, ${longDate(day)} : ${why}.` });
    }
  }
  problems.push(...(await enrolmentProblems(trx, ctx, period, children, days)));
  for (const t of facts.taken) {
    const c = children.find((x) => x.id === t.child_id);
    problems.push({
      day: t.day,
      childId: t.child_id,
      message: `${c?.first_name} ${c?.last_name}, ${longDate(t.day)} : déjà réservé.`,
    });
  }
  return problems;
}

/** Where the town asks for it, a parent books only days an accepted « inscription » covers. */
async function enrolmentProblems(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  children: NamedChild[],
  days: string[],
): Promise<Problem[]> {
  if (!period.rules.enrolmentRequired || ctx.actor.kind !== "parent") return [];
  const missing = await enrolment().uncovered(
    trx,
    period.id,
    children.map((c) => c.id),
    days,
  );
  return children
    .filter((c) => missing.some((m) => m.childId === c.id))
    .map((c) => ({
      childId: c.id,
      message: `Réservation impossible pour ${c.first_name} ${c.last_name} : ce service demande une inscription acceptée pour ${period.name} (« Nouvelle inscription » dans « Mes inscriptions »).`,
    }));
}

/**
 * « Valider »: every day of every chosen child is booked in one dossier, or none is.
 * Full days go on the waiting list where the town keeps one, else the whole validation
 * fails with the full days named. Staff book on behalf of a household, past the cut-off.
 */
export async function book(trx: Trx, ctx: PlanningContext, input: BookInput): Promise<BookResult> {
  const facts = await bookingFacts(
    trx,
    { ...input, householdId: ctx.householdId, key: input.idempotencyKey },
    LIVE,
  );
  if (facts.replay) return replayed(trx, facts.replay);
  const { period, children } = facts;
  if (!period) throw notFound();
  if (children.length !== new Set(input.childIds).size) throw notFound();
  const days = [...new Set(input.days)].sort();
  if (children.length === 0) throw new PlanningError([{ message: "Choisissez au moins un enfant." }]);
  if (days.length === 0) throw new PlanningError([{ message: "Choisissez au moins un jour." }]);
  if (!days.every(isIsoDate))
    throw new PlanningError([{ message: "Une des dates choisies n'est pas valide." }]);
  const problems = await problemsOf(trx, ctx, period, facts, days);
  if (problems.length) {
    // The same submission from another tab may have committed since the first look: its days
    // now look taken, but this is a replay, not a conflict.
    const late = await replayOf(trx, ctx.householdId, input.idempotencyKey);
    if (late) return late;
    throw new PlanningError(problems);
  }

  const paying = period.rules.payment === "at_booking" && ctx.actor.kind === "parent";
  if (paying) {
    const placed = await placeAll(trx, ctx, period, children, days, true);
    const basketId = await basketOf(trx, ctx, period, placed);
    const dossier = await writeDossier(trx, ctx, period, input, placed, basketId);
    await confirmByMail(trx, ctx, period, dossier.number, children, placed);
    return bookedIn(dossier, placed, null);
  }
  return bookTakingPlacesLast(trx, ctx, period, facts, days, input);
}

/** The dossier (booking or cancellation) a form's key already wrote: a key is the household's once. */
export function dossierOfKey(trx: Trx, householdId: string, key: string) {
  return trx
    .selectFrom("booking_dossiers")
    .select(["id", "number", "kind"])
    .where("household_id", "=", householdId)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

async function replayOf(trx: Trx, householdId: string, key: string): Promise<BookResult | null> {
  const d = await dossierOfKey(trx, householdId, key);
  return d ? replayed(trx, d) : null;
}

/** The dossier a form's key already wrote, as its first submission left it. */
async function replayed(trx: Trx, d: { id: string; number: string }): Promise<BookResult> {
  const rows = await trx
    .selectFrom("bookings")
    .select(["child_id", "day", "status"])
    .where("dossier_id", "=", d.id)
    .orderBy("day")
    .execute();
  const bookings = rows.map((r) => ({ childId: r.child_id, day: r.day, status: r.status }));
  return { ...bookedIn(d, bookings, null), replayed: true };
}

/**
 * « Mon panier »: a parent's days of a service paid at booking wait there, unpaid. Only days
 * that took a place have something to pay: days all on the waiting list open no basket, and
 * a service without a régie has none (its days are decided as usual).
 */
async function basketOf(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  placed: { status: BookingStatus }[],
): Promise<string | null> {
  if (!placed.some((b) => b.status === "unpaid")) return null;
  const id = await billing().basketFor(trx, { ...ctx, userId: ctx.actor.userId }, period.service.id);
  if (id === null) for (const b of placed) if (b.status === "unpaid") b.status = decidedStatus(ctx, period);
  return id;
}

/** Takes the places day by day (ascending: a consistent lock order), children in order. */
async function placeAll(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  children: NamedChild[],
  days: string[],
  unpaid: boolean,
) {
  const placed: PlacedDay[] = [];
  const full: Problem[] = [];
  const onPlace: BookingStatus = unpaid ? "unpaid" : decidedStatus(ctx, period);
  for (const day of days) {
    for (const child of children) {
      if (await takePlace(trx, ctx.tenant.id, period, day))
        placed.push({ childId: child.id, day, status: onPlace });
      else if (period.rules.waitingList !== "none")
        placed.push({ childId: child.id, day, status: "waiting" });
      else
        full.push({
          day,
          childId: child.id,
          message: `${longDate(day)} : complet, plus de place disponible.`,
        });
    }
  }
  if (full.length) throw new PlanningError(full);
  return placed;
}
