import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import { billing } from "../billing-port.ts";
import { freePlace } from "./cancel-service.ts";

/** A staff decision on a request: accepted, or refused with the reason the family is told. */
export type Decision = { accept: true } | { accept: false; reason: string };

/** A locked booking a decision applies to. */
export interface Decided {
  id: string;
  period_id: string;
  day: string;
  holds_place: boolean;
}

function decided(actor: Actor) {
  return { decided_by: actor.userId, decided_at: sql<Date>`now()`, updated_at: sql<Date>`now()` };
}

/** Pending days accepted, or refused: a refused day gives its place back (waiting list served). */
export async function decidePending(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  rows: Decided[],
  decision: Decision,
) {
  for (const b of rows) {
    await trx
      .updateTable("bookings")
      .set(
        decision.accept
          ? { status: "accepted", reason: null, ...decided(actor) }
          : { status: "refused", reason: decision.reason, holds_place: false, ...decided(actor) },
      )
      .where("id", "=", b.id)
      .execute();
    if (!decision.accept && b.holds_place) await freePlace(trx, { tenant, actor }, b.period_id, b.day);
  }
}

/**
 * Cancellation requests accepted (the day cancelled, its place freed, an invoiced day
 * credited) or refused (the day booked again, not a late cancellation).
 */
export async function decideCancelRequests(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  rows: Decided[],
  decision: Decision,
) {
  for (const b of rows) {
    await trx
      .updateTable("bookings")
      .set(
        decision.accept
          ? { status: "cancelled", holds_place: false, ...decided(actor) }
          : { status: "accepted", reason: decision.reason, late_cancel: false, ...decided(actor) },
      )
      .where("id", "=", b.id)
      .execute();
    if (decision.accept && b.holds_place) await freePlace(trx, { tenant, actor }, b.period_id, b.day);
  }
  if (decision.accept)
    await billing().creditCancelledDays(
      trx,
      tenant,
      actor,
      rows.map((b) => b.id),
      new Date(),
    );
}
