import type { RawBuilder } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { Attendance } from "../../../db/planning-types.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import type { Period } from "../offer/period-service.ts";
import { dossierNumber } from "./dossier-numbers.ts";

/** The days' attendance mark (« Pointage », or an absence accepted), by `by` at `at`. */
export async function markAttendance(
  trx: Trx,
  ids: string[],
  mark: Attendance,
  by: string,
  at: Date | RawBuilder<Date>,
): Promise<void> {
  await trx
    .updateTable("bookings")
    .set({ attendance: mark, attendance_by: by, attendance_at: at, updated_at: at })
    .where("id", "in", ids)
    .execute();
}

/** Who adds a child come without booking, and when. */
export interface Marker {
  tenantId: string;
  actor: Actor;
  userId: string;
  name: string;
  now: Date;
}

/**
 * A child come without booking: an accepted booking marked « unbooked » and present, in a
 * dossier of its own. The caller has taken its place.
 */
export async function writeUnbooked(
  trx: Trx,
  m: Marker,
  period: Period,
  day: string,
  child: { id: string; household_id: string },
) {
  const dossier = await unbookedDossier(trx, m, period, child.household_id);
  const booking = await trx
    .insertInto("bookings")
    .values({
      tenant_id: m.tenantId,
      household_id: child.household_id,
      child_id: child.id,
      period_id: period.id,
      service_id: period.service.id,
      day,
      status: "accepted",
      holds_place: true,
      dossier_id: dossier.id,
      decided_by: m.userId,
      decided_at: m.now,
      attendance: "present",
      attendance_by: m.userId,
      attendance_at: m.now,
      unbooked: true,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await recordWrite(trx, m.tenantId, m.actor, {
    householdId: child.household_id,
    action: "create",
    entity: "bookings",
    entityId: booking.id,
    fields: ["unbooked", "attendance"],
  });
}

function unbookedDossier(trx: Trx, m: Marker, period: Period, householdId: string) {
  return trx
    .insertInto("booking_dossiers")
    .values({
      tenant_id: m.tenantId,
      number: dossierNumber(),
      household_id: householdId,
      kind: "booking",
      period_id: period.id,
      created_by: m.userId,
      created_by_name: m.name,
      idempotency_key: crypto.randomUUID(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}
