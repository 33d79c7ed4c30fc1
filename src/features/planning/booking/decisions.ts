import { sql, type Updateable } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { DB } from "../../../db/types.ts";
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

type DayUpdate = Updateable<DB["bookings"]>;

/** Each day decided, one statement per day; `frees` gives the place back where one was held. */
async function apply(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  rows: Decided[],
  set: DayUpdate,
  frees: boolean,
) {
  const decided = { decided_by: actor.userId, decided_at: sql<Date>`now()`, updated_at: sql<Date>`now()` };
  for (const b of rows) {
    await trx
      .updateTable("bookings")
      .set({ ...set, ...decided })
      .where("id", "=", b.id)
      .execute();
    if (frees && b.holds_place) await freePlace(trx, { tenant, actor }, b.period_id, b.day);
  }
}

/** Pending days accepted, or refused: a refused day gives its place back (waiting list served). */
export function decidePending(trx: Trx, tenant: Tenant, actor: Actor, rows: Decided[], decision: Decision) {
  const set: DayUpdate = decision.accept
    ? { status: "accepted", reason: null }
    : { status: "refused", reason: decision.reason, holds_place: false };
  return apply(trx, tenant, actor, rows, set, !decision.accept);
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
  const set: DayUpdate = decision.accept
    ? { status: "cancelled", holds_place: false }
    : { status: "accepted", reason: decision.reason, late_cancel: false };
  await apply(trx, tenant, actor, rows, set, decision.accept);
  if (decision.accept)
    await billing().creditCancelledDays(
      trx,
      tenant,
      actor,
      rows.map((b) => b.id),
      new Date(),
    );
}
