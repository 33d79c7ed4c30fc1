import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { BookingStatus } from "../../../db/planning-types.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import { mailRows } from "../../../integrations/mail/outbox.ts";
import { longDate } from "../../../lib/dates.ts";
import { recordWrite } from "../../audit/service.ts";
import type { NamedChild } from "../common/children-service.ts";
import { PlanningError } from "../common/errors.ts";
import type { Period } from "../offer/period-service.ts";
import { type BookingFacts, freeFrom, mailsTo } from "./booking-read.ts";
import type { BookInput, BookResult, PlacedDay, PlanningContext } from "./booking-service.ts";
import { dossierNumber } from "./dossier-numbers.ts";
import { takePlacesLast } from "./places/places.ts";

/**
 * The booking of a service not paid at booking: everything is written first (the bookings as
 * holding their place, the confirmation e-mail prepared for the places seen free), then one
 * last statement takes the places and moves the children beyond them to the waiting list
 * (places/places.ts takePlacesLast): the days' occupancy rows are locked for one round trip only.
 */
export async function bookTakingPlacesLast(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  facts: BookingFacts,
  days: string[],
  input: BookInput,
): Promise<BookResult> {
  const { children } = facts;
  const onPlace = decidedStatus(ctx, period);
  const seen = freeFrom(period, facts.occupied, children.length);
  const outcome = (granted: number[]) =>
    days.flatMap((day, i) =>
      children.map((c, k) => ({
        childId: c.id,
        day,
        status: (k < (granted[i] ?? 0) ? onPlace : "waiting") as BookingStatus,
      })),
    );
  const expected = outcome(seen);
  if (period.rules.waitingList === "none") fullDays(children, expected);
  const written = outcome(days.map(() => children.length));
  const dossier = await writeDossier(trx, ctx, period, input, written, null, days);
  const mails = mailsTo(facts.recipients, bookedMail(period, dossier.number, children, expected));
  const took = await takePlacesLast(
    trx,
    { period, dossierId: dossier.id, children: children.map((c) => c.id), days, expected: seen },
    mailRows(ctx.tenant, mails),
  );
  const placed = outcome(took.granted);
  if (period.rules.waitingList === "none") fullDays(children, placed);
  // Places went between the first look and the lock (rare): the e-mail says what happened.
  if (took.granted.join() !== seen.join())
    await confirmByMail(trx, ctx, period, dossier.number, children, placed);
  return bookedIn(dossier, placed, took.lockedAt);
}

/** What a validation answers: the dossier its days were booked in and the status each got. */
export function bookedIn(
  dossier: { id: string; number: string },
  bookings: PlacedDay[],
  lockedAt: number | null,
): BookResult {
  return { dossierId: dossier.id, number: dossier.number, replayed: false, bookings, lockedAt };
}

/** Without a waiting list, a validation with a full day fails whole, the full days named. */
export function fullDays(children: { id: string }[], placed: PlacedDay[]) {
  const full = placed.filter((b) => b.status === "waiting");
  if (full.length && children.length)
    throw new PlanningError(
      full.map((b) => ({
        day: b.day,
        childId: b.childId,
        message: `${longDate(b.day)} : complet, plus de place disponible.`,
      })),
    );
}

/**
 * The dossier and its bookings in one statement; `occupancyDays` get their occupancy row if
 * missing (the last statement locks them), then the audit row.
 */
export async function writeDossier(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  input: BookInput,
  placed: PlacedDay[],
  basketId: string | null,
  occupancyDays: string[] = [],
) {
  const t = ctx.tenant.id;
  const { rows } = await sql<{ id: string; number: string }>`
    with d as (
      insert into booking_dossiers (tenant_id, number, household_id, kind, period_id, created_by,
        created_by_name, idempotency_key, created_at)
      values (${t}::uuid, ${dossierNumber()}, ${ctx.householdId}::uuid, 'booking', ${period.id}::uuid,
        ${ctx.actor.userId}::uuid, ${ctx.actorName}, ${input.idempotencyKey}::uuid, ${ctx.now}::timestamptz)
      returning id, number),
    b as (
      insert into bookings (tenant_id, household_id, child_id, period_id, service_id, day, status,
        holds_place, dossier_id, created_at, basket_id, decided_by, decided_at)
      select ${t}::uuid, ${ctx.householdId}::uuid, x.child_id, ${period.id}::uuid,
        ${period.service.id}::uuid, x.day, x.status, x.status <> 'waiting', d.id, ${ctx.now}::timestamptz,
        case when x.status = 'unpaid' then ${basketId}::uuid end,
        case when x.status = 'accepted' then ${ctx.actor.userId}::uuid end,
        case when x.status = 'accepted' then now() end
      from d, unnest(${placed.map((b) => b.childId)}::uuid[], ${placed.map((b) => b.day)}::date[],
        ${placed.map((b) => b.status)}::text[]) as x(child_id, day, status)),
    o as (
      insert into occupancy (tenant_id, period_id, day)
      select ${t}::uuid, ${period.id}::uuid, x from unnest(${occupancyDays}::date[]) as x
      on conflict (tenant_id, period_id, day) do nothing)
    select id, number::text as number from d`.execute(trx);
  const dossier = rows[0] as { id: string; number: string };
  await recordWrite(trx, ctx.tenant.id, ctx.actor, {
    householdId: ctx.householdId,
    action: "create",
    entity: "booking_dossiers",
    entityId: dossier.id,
    fields: [],
  });
  return dossier;
}

export function decidedStatus(ctx: PlanningContext, period: Period): BookingStatus {
  return ctx.actor.kind === "staff" || period.rules.acceptance === "auto" ? "accepted" : "pending";
}

export function bookedMail(period: Period, number: string, children: NamedChild[], placed: PlacedDay[]) {
  const lines = children.map((c) => ({
    child: `${c.first_name} ${c.last_name}`,
    days: placed
      .filter((p) => p.childId === c.id)
      .map((p) => ({ day: longDate(p.day), status: STATUS_MAIL[p.status] ?? p.status })),
  }));
  return {
    template: "planning-booked",
    data: {
      number,
      facility: period.facility.name,
      service: period.service.name,
      period: period.name,
      lines,
    },
  };
}

export async function confirmByMail(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  number: string,
  children: NamedChild[],
  placed: PlacedDay[],
) {
  await notifyHousehold(trx, ctx.tenant, ctx.householdId, bookedMail(period, number, children, placed));
}

const STATUS_MAIL: Partial<Record<BookingStatus, string>> = {
  accepted: "acceptée",
  pending: "en attente de traitement",
  waiting: "sur liste d'attente",
  unpaid: "en attente de paiement",
};
