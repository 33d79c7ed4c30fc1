import type { Trx } from "../../../db/database.ts";
import type { BookingStatus } from "../../../db/planning-types.ts";
import { AppError } from "../../../http/errors.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import { longDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrite } from "../../audit/service.ts";
import { type Decision, decideCancelRequests, decidePending } from "../booking/decisions.ts";

import { everyOr404 } from "../common/errors.ts";
import { placeLabel, staffBookings } from "../common/place-query.ts";

export type { Decision } from "../booking/decisions.ts";

type Row = Awaited<ReturnType<typeof lockRows>>[number];

const ALREADY_DECIDED =
  "Une des demandes choisies a déjà été traitée (par un autre agent ?). Rien n'a été modifié : rechargez la liste.";

/** The requests as staff decide them: whose they are and their place (« Établissement › service › période »). */
const requestRows = (trx: Trx) => staffBookings(trx).select(placeLabel().as("what"));

/** The chosen bookings, locked, or 404 when one is not the town's; 409 when one is no longer `status`. */
async function lockRows(trx: Trx, ids: string[], status: BookingStatus) {
  const rows = await everyOr404(ids, (unique) =>
    requestRows(trx)
      .select([
        "b.id",
        "b.household_id",
        "b.period_id",
        "b.day",
        "b.status",
        "b.holds_place",
        "b.dossier_id",
        "b.cancel_dossier_id",
      ])
      .where("b.id", "in", unique)
      .orderBy("b.day")
      .orderBy("b.id")
      .forUpdate("b")
      .execute(),
  );
  if (rows.some((r) => r.status !== status)) throw new AppError("bad_request", 409, ALREADY_DECIDED);
  return rows;
}

/**
 * The staff's decision on the chosen requests, all the days or none. « Demandes de réservation »:
 * pending days accepted, or refused with a reason (a refused day gives its place back and the
 * waiting list is served at once). « Demandes d'annulation »: accepted, the day is cancelled and
 * its place freed (the waiting list is served at once); refused, the day is booked again and the
 * family told why.
 */
export async function decide(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  chosen: { bookings: string[]; cancellations: string[] },
  decision: Decision,
): Promise<void> {
  if (chosen.bookings.length)
    await decideRows(trx, tenant, actor, chosen.bookings, decision, BOOKING_REQUESTS);
  if (chosen.cancellations.length)
    await decideRows(trx, tenant, actor, chosen.cancellations, decision, CANCEL_REQUESTS);
}

type Rows = Awaited<ReturnType<typeof lockRows>>;

/** What a kind of request is: the state it waits in, how it is decided, its dossier, its e-mails. */
interface RequestKind {
  status: "pending" | "cancel_requested";
  apply: (trx: Trx, tenant: Tenant, actor: Actor, rows: Rows, decision: Decision) => Promise<void>;
  dossier: "dossier_id" | "cancel_dossier_id";
  mail: { accepted: Parameters<typeof tell>[4]; refused: Parameters<typeof tell>[4] };
}

const BOOKING_REQUESTS: RequestKind = {
  status: "pending",
  apply: decidePending,
  dossier: "dossier_id",
  mail: { accepted: "accepted", refused: "refused" },
};
const CANCEL_REQUESTS: RequestKind = {
  status: "cancel_requested",
  apply: decideCancelRequests,
  dossier: "cancel_dossier_id",
  mail: { accepted: "cancellation-accepted", refused: "cancellation-refused" },
};

/** Locks the requests, decides them all, audits each dossier and e-mails the families. */
async function decideRows(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  ids: string[],
  decision: Decision,
  kind: RequestKind,
): Promise<void> {
  const rows = await lockRows(trx, ids, kind.status);
  await kind.apply(trx, tenant, actor, rows, decision);
  await record(trx, tenant, actor, rows, decision, kind.dossier);
  await tell(trx, tenant, rows, decision, decision.accept ? kind.mail.accepted : kind.mail.refused);
}

/** One audit line per dossier decided: who decided what, never the reason's text. */
async function record(
  trx: Trx,
  tenant: Tenant,
  actor: Actor,
  rows: Row[],
  decision: Decision,
  key: "dossier_id" | "cancel_dossier_id",
) {
  const dossiers = new Map(rows.map((r) => [r[key] as string, r.household_id]));
  for (const [dossierId, householdId] of dossiers) {
    await recordWrite(trx, tenant.id, actor, {
      householdId,
      action: decision.accept ? "accept" : "refuse",
      entity: "booking_dossiers",
      entityId: dossierId,
      fields: decision.accept ? [] : ["reason"],
    });
  }
}

/** One e-mail per household: the days decided, by service and child. */
async function tell(trx: Trx, tenant: Tenant, rows: Row[], decision: Decision, kind: string) {
  for (const householdId of new Set(rows.map((r) => r.household_id))) {
    const lines = new Map<string, { what: string; child: string; days: string[] }>();
    for (const r of rows.filter((x) => x.household_id === householdId)) {
      const line = lines.get(`${r.what}\n${r.child}`) ?? { what: r.what, child: r.child, days: [] };
      line.days.push(longDate(r.day));
      lines.set(`${r.what}\n${r.child}`, line);
    }
    await notifyHousehold(trx, tenant, householdId, {
      template: `planning-decision-${kind}`,
      data: { lines: [...lines.values()], reason: decision.accept ? null : decision.reason },
    });
  }
}

export interface QueueFilters {
  serviceId?: string | undefined;
  periodId?: string | undefined;
}

export interface QueueGroup {
  dossierId: string;
  number: string;
  kind: "booking" | "cancellation";
  household: string;
  householdNumber: string;
  what: string;
  created: Date;
  referent: string;
  items: { id: string; child: string; day: string; late: boolean }[];
}

/** The rows waiting for staff, joined to the dossier that asked (booking or cancellation). */
function queueRows(trx: Trx, status: "pending" | "cancel_requested", filters: QueueFilters) {
  const key = status === "pending" ? "b.dossier_id" : "b.cancel_dossier_id";
  return requestRows(trx)
    .innerJoin("booking_dossiers as d", "d.id", key)
    .select([
      "b.id",
      "b.day",
      "b.late_cancel",
      "d.id as dossier_id",
      "d.number",
      "d.created_at",
      "d.created_by_name",
    ])
    .where("b.status", "=", status)
    .$if(Boolean(filters.serviceId), (q) => q.where("s.id", "=", filters.serviceId as string))
    .$if(Boolean(filters.periodId), (q) => q.where("p.id", "=", filters.periodId as string))
    .orderBy("d.created_at")
    .orderBy("c.birth_date")
    .orderBy("b.day")
    .execute();
}

/** « Réservations à traiter »: booking and cancellation requests by dossier, oldest first. */
export async function pendingQueue(trx: Trx, filters: QueueFilters): Promise<QueueGroup[]> {
  const groups = new Map<string, QueueGroup>();
  const sources = [
    ["booking", await queueRows(trx, "pending", filters)],
    ["cancellation", await queueRows(trx, "cancel_requested", filters)],
  ] as const;
  for (const [kind, rows] of sources) {
    for (const r of rows) {
      const group = groups.get(r.dossier_id) ?? {
        dossierId: r.dossier_id,
        number: r.number,
        kind,
        household: r.household,
        householdNumber: r.household_number,
        what: r.what,
        created: r.created_at,
        referent: r.created_by_name,
        items: [],
      };
      group.items.push({ id: r.id, child: r.child, day: r.day, late: r.late_cancel });
      groups.set(r.dossier_id, group);
    }
  }
  return [...groups.values()].sort((a, b) => a.created.getTime() - b.created.getTime());
}
