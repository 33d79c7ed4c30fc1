import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { BookingStatus } from "../../db/planning-types.ts";
import { householdMails, notifyHousehold } from "../../integrations/mail/household.ts";
import { mailRows } from "../../integrations/mail/outbox.ts";
import { longDate } from "../../lib/dates.ts";
import { recordWrite } from "../audit/service.ts";
import type { BookInput, BookResult, PlanningContext } from "./booking-service.ts";
import { dossierNumber } from "./dossier-numbers.ts";
import { PlanningError } from "./errors.ts";
import type { Period } from "./offer.ts";
import { freePlaces, takePlacesLast } from "./places.ts";

/**
 * The booking of a service not paid at booking: everything is written first (the bookings as
 * holding their place, the confirmation e-mail prepared for the places seen free), then one
 * last statement takes the places and moves the children beyond them to the waiting list
 * (places.ts takePlacesLast): the days' occupancy rows are locked for one round trip only.
 */
export async function bookTakingPlacesLast(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  children: { id: string; first_name: string; last_name: string }[],
  days: string[],
  input: BookInput,
): Promise<BookResult> {
  const onPlace = decidedStatus(ctx, period);
  const seen = await freePlaces(trx, ctx.tenant.id, period, days, children.length);
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
  const dossier = await writeDossier(trx, ctx, period, input, written, null);
  const mails = await householdMails(
    trx,
    ctx.householdId,
    bookedMail(period, dossier.number, children, expected),
  );
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
  return {
    dossierId: dossier.id,
    number: dossier.number,
    replayed: false,
    bookings: placed,
    lockedAt: took.lockedAt,
  };
}

/** Without a waiting list, a validation with a full day fails whole, the full days named. */
export function fullDays(
  children: { id: string }[],
  placed: { childId: string; day: string; status: BookingStatus }[],
) {
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

export async function writeDossier(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  input: BookInput,
  placed: { childId: string; day: string; status: BookingStatus }[],
  basketId: string | null,
) {
  const dossier = await trx
    .insertInto("booking_dossiers")
    .values({
      tenant_id: ctx.tenant.id,
      number: dossierNumber(),
      household_id: ctx.householdId,
      kind: "booking",
      period_id: period.id,
      created_by: ctx.actor.userId,
      created_by_name: ctx.actorName,
      idempotency_key: input.idempotencyKey,
      // The booking's time is the rules' clock (a late booking is billed as such).
      created_at: ctx.now,
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("bookings")
    .values(
      placed.map((b) => ({
        tenant_id: ctx.tenant.id,
        household_id: ctx.householdId,
        child_id: b.childId,
        period_id: period.id,
        service_id: period.service.id,
        day: b.day,
        status: b.status,
        holds_place: b.status !== "waiting",
        dossier_id: dossier.id,
        created_at: ctx.now,
        basket_id: b.status === "unpaid" ? basketId : null,
        decided_by: b.status === "accepted" ? ctx.actor.userId : null,
        decided_at: b.status === "accepted" ? sql<Date>`now()` : null,
      })),
    )
    .execute();
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

export function bookedMail(
  period: Period,
  number: string,
  children: { id: string; first_name: string; last_name: string }[],
  placed: { childId: string; day: string; status: BookingStatus }[],
) {
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
  children: { id: string; first_name: string; last_name: string }[],
  placed: { childId: string; day: string; status: BookingStatus }[],
) {
  await notifyHousehold(trx, ctx.tenant, ctx.householdId, bookedMail(period, number, children, placed));
}

const STATUS_MAIL: Partial<Record<BookingStatus, string>> = {
  accepted: "acceptée",
  pending: "en attente de traitement",
  waiting: "sur liste d'attente",
  unpaid: "en attente de paiement",
};
