import { type Selectable, sql } from "kysely";
import { z } from "zod";
import type { Trx } from "../../../db/database.ts";
import type { DB } from "../../../db/types.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import { addDays, longDate, parisToday, shortDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import { markAttendance } from "../booking/attendance-write.ts";
import type { PlanningContext } from "../booking/booking-service.ts";
import { PlanningError } from "../common/errors.ts";
import { absencePlaces, BOOKED_DAY, bookingPlaces } from "../common/place-query.ts";

type AbsenceConfig = Tenant["config"]["planning"]["absences"];
export type AbsenceDecision = { accept: true } | { accept: false; reason: string };

/** The parent's form: a reason of the town's list, and the text « Autre » requires. */
export function absenceSchema(cfg: AbsenceConfig) {
  const keys = cfg.reasons.map((r) => r.key);
  return z
    .object({
      motif: z.string().refine((v) => keys.includes(v), "Choisissez le motif de l'absence."),
      precision: z.string().trim().max(500, "La précision ne doit pas dépasser 500 caractères.").default(""),
    })
    .superRefine((v, ctx) => {
      const reason = cfg.reasons.find((r) => r.key === v.motif);
      if (reason?.freeText && !v.precision)
        ctx.addIssue({ code: "custom", path: ["precision"], message: "Précisez le motif de l'absence." });
    });
}

/** A booked day as the absence pages show it (the household's own; 404 otherwise). */
export async function bookedDay(trx: Trx, householdId: string, bookingId: string) {
  const b = await bookingPlaces(trx)
    .select([...BOOKED_DAY, "b.child_id", "c.first_name", "c.last_name"])
    .select(["s.name as service", "f.name as facility"])
    .where("b.household_id", "=", householdId)
    .where("b.id", "=", bookingId)
    .executeTakeFirstOrThrow(notFound);
  return { ...b, child: `${b.first_name} ${b.last_name}`, long: longDate(b.day) };
}

/** Why an absence cannot be declared on this day, or null. */
function refusal(b: { status: string; attendance: string | null; day: string }, now: Date): string | null {
  if (b.status !== "accepted") return "Une absence ne peut être déclarée que sur un jour réservé et accepté.";
  if (b.attendance) return "La présence de ce jour a déjà été relevée.";
  if (b.day < parisToday(now))
    return "Ce jour est passé : l'absence ne peut plus être déclarée en ligne. Contactez le service.";
  return null;
}

const attendanceOf = (billed: boolean) => (billed ? "absent_billed" : "absent_excused");

function setAttendance(trx: Trx, actor: Actor, bookingId: string, billed: boolean) {
  return markAttendance(trx, [bookingId], attendanceOf(billed), actor.userId, sql<Date>`now()`);
}

/** The booked day and the reason, once the form and the day allow the absence. */
async function declarable(
  trx: Trx,
  ctx: PlanningContext,
  input: { bookingId: string; reasonKey: string; details: string },
) {
  const cfg = ctx.tenant.config.planning.absences;
  const b = await bookedDay(trx, ctx.householdId, input.bookingId);
  const checked = absenceSchema(cfg).safeParse({ motif: input.reasonKey, precision: input.details });
  if (!checked.success) throw new PlanningError([{ message: checked.error.issues[0]?.message ?? "" }]);
  const why = refusal(b, ctx.now);
  if (why) throw new PlanningError([{ day: b.day, message: why }]);
  const reason = cfg.reasons.find((r) => r.key === input.reasonKey) as AbsenceConfig["reasons"][number];
  return { b, reason, details: checked.data.precision };
}

/**
 * « Déclarer une absence » on the household's own accepted booking, today or later (a past
 * day is the staff's to record). A medical reason asks for a certificate within the town's
 * delay. Towns that review absences keep it « en cours de traitement »; others apply it.
 */
export async function declareAbsence(
  trx: Trx,
  ctx: PlanningContext,
  input: { bookingId: string; reasonKey: string; details: string },
) {
  const cfg = ctx.tenant.config.planning.absences;
  const { b, reason, details } = await declarable(trx, ctx, input);
  const accepted = ctx.actor.kind === "staff" || !cfg.review;
  const row = await trx
    .insertInto("absences")
    .values({
      tenant_id: ctx.tenant.id,
      household_id: ctx.householdId,
      child_id: b.child_id,
      booking_id: b.id,
      reason_key: reason.key,
      reason_label: reason.label,
      details: details || null,
      medical: reason.medical,
      billed: reason.billed,
      status: accepted ? "accepted" : "pending",
      certificate_due: reason.medical ? addDays(b.day, cfg.certificateDays) : null,
      created_by: ctx.actor.userId,
      decided_by: accepted ? ctx.actor.userId : null,
      decided_at: accepted ? sql<Date>`now()` : null,
    })
    .onConflict((oc) =>
      oc.columns(["tenant_id", "booking_id"]).where("status", "in", ["pending", "accepted"]).doNothing(),
    )
    .returning(["id", "status", "certificate_due"])
    .executeTakeFirst();
  if (!row) throw new PlanningError([{ day: b.day, message: "Une absence est déjà déclarée pour ce jour." }]);
  if (accepted) await setAttendance(trx, ctx.actor, b.id, reason.billed);
  await recordWrite(trx, ctx.tenant.id, ctx.actor, {
    householdId: ctx.householdId,
    action: "create",
    entity: "absences",
    entityId: row.id,
    fields: ["reason_key", "details"],
  });
  return row;
}

/** One absence of the household, with its day, child and service (404 if not theirs). */
export async function absenceOf(trx: Trx, householdId: string, id: string) {
  const a = await trx
    .selectFrom("absences")
    .selectAll()
    .where("household_id", "=", householdId)
    .where("id", "=", id)
    .executeTakeFirstOrThrow(notFound);
  return { ...a, booking: await bookedDay(trx, householdId, a.booking_id) };
}

/** Links the certificate the parent uploaded (a « Justificatif d'absence ») to their absence. */
export async function attachCertificate(trx: Trx, householdId: string, id: string, documentId: string) {
  await trx
    .updateTable("absences")
    .set({ document_id: documentId })
    .where("household_id", "=", householdId)
    .where("id", "=", id)
    .where("medical", "=", true)
    .execute();
}

/** Staff accept (the day becomes « absent excusé » or « facturé ») or refuse with a reason. */
export async function decideAbsence(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  id: string,
  decision: AbsenceDecision,
) {
  const a = await trx.selectFrom("absences").selectAll().where("id", "=", id).executeTakeFirst();
  if (!a) throw notFound();
  if (a.status !== "pending") throw new AppError("bad_request", 409, "Cette absence a déjà été traitée.");
  const reason = decision.accept ? null : decision.reason.trim();
  if (reason === "") throw new PlanningError([{ message: "Indiquez le motif du refus." }]);
  await trx
    .updateTable("absences")
    .set({
      status: decision.accept ? "accepted" : "refused",
      refusal_reason: reason,
      decided_by: actor.userId,
      decided_at: sql`now()`,
    })
    .where("id", "=", id)
    .execute();
  if (decision.accept) await setAttendance(trx, actor, a.booking_id, a.billed);
  await recordWrite(trx, tenant.id, actor, {
    householdId: a.household_id,
    action: decision.accept ? "accept" : "refuse",
    entity: "absences",
    entityId: id,
    fields: decision.accept ? ["status"] : ["status", "refusal_reason"],
  });
  await tellDecision(trx, tenant, a, decision.accept, reason);
}

/** E-mails the household the staff's decision on its absence. */
async function tellDecision(
  trx: Trx,
  tenant: Tenant,
  a: Selectable<DB["absences"]>,
  accept: boolean,
  reason: string | null,
) {
  const day = await bookedDay(trx, a.household_id, a.booking_id);
  await notifyHousehold(trx, tenant, a.household_id, {
    template: accept ? "planning-absence-accepted" : "planning-absence-refused",
    data: {
      child: day.child,
      day: day.long,
      service: `${day.facility} › ${day.service}`,
      motif: a.reason_label,
      outcome: a.billed ? "absent facturé" : "absent excusé",
      reason,
      certificate: a.medical && !a.document_id && a.certificate_due ? shortDate(a.certificate_due) : null,
    },
  });
}

function staffQuery(trx: Trx) {
  return absencePlaces(trx)
    .innerJoin("households as h", "h.id", "a.household_id")
    .select(["a.id", "a.status", "a.reason_label", "a.details", "a.medical", "a.billed"])
    .select(["a.certificate_due", "a.document_id", "a.refusal_reason", "a.decided_at", "b.day"])
    .select(["c.first_name", "c.last_name", "h.name as household", "h.number"])
    .select(["s.name as service", "f.name as facility"]);
}

/** Staff: the absences to decide (by day), then those decided in the last 30 days. */
export async function staffAbsences(trx: Trx, now: Date) {
  const pending = await staffQuery(trx).where("a.status", "=", "pending").orderBy("b.day").execute();
  const since = new Date(now.getTime() - 30 * 24 * 3600 * 1000);
  const recent = await staffQuery(trx)
    .where("a.status", "!=", "pending")
    .where("a.decided_at", ">=", since)
    .orderBy("a.decided_at", "desc")
    .limit(200)
    .execute();
  const today = parisToday(now);
  const shown = (r: (typeof pending)[number]) => ({
    ...r,
    child: `${r.first_name} ${r.last_name}`,
    long: longDate(r.day),
    due: r.certificate_due ? shortDate(r.certificate_due) : null,
    late: r.medical && !r.document_id && r.certificate_due !== null && r.certificate_due < today,
  });
  return { pending: pending.map(shown), recent: recent.map(shown) };
}
