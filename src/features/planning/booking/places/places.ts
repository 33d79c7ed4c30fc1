import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../../../db/database.ts";
import { notifyHousehold } from "../../../../integrations/mail/household.ts";
import { mailRowsWhen } from "../../../../integrations/mail/outbox.ts";
import { longDate, parisDateTime } from "../../../../lib/dates.ts";
import type { Tenant } from "../../../../tenancy/resolve.ts";
import { billing } from "../../billing-port.ts";
import type { Period } from "../../offer/period-service.ts";

/**
 * Capacity (architecture §5.10). A place is taken by one conditional UPDATE of the day's
 * occupancy row: concurrent bookers queue on the row lock and each re-reads `taken`
 * after the lock, so no interleaving lets the count pass the capacity. Callers take
 * places in ascending day order so that two transactions never wait on each other.
 */
export async function takePlace(trx: Trx, tenantId: string, period: Period, day: string): Promise<boolean> {
  await trx
    .insertInto("occupancy")
    .values({ tenant_id: tenantId, period_id: period.id, day })
    .onConflict((oc) => oc.columns(["tenant_id", "period_id", "day"]).doNothing())
    .execute();
  const capacity = period.rules.capacity;
  const row = await trx
    .updateTable("occupancy")
    .set({ taken: sql`taken + 1` })
    .where("period_id", "=", period.id)
    .where("day", "=", day)
    .$if(capacity !== null, (q) => q.where("taken", "<", capacity as number))
    .returning("taken")
    .executeTakeFirst();
  return row !== undefined;
}

export interface LastTake {
  /** Places given per day of `days`, in order. */
  granted: number[];
  /** Whether the e-mail prepared for `expected` was queued (the outcome was the expected one). */
  mailed: boolean;
  /** When the occupancy rows were locked (the database's clock, ms since the epoch). */
  lockedAt: number;
}

/**
 * The last statement of a booking (architecture §5.10, issue 17): its dossier's bookings were
 * written as holding a place; this one statement locks the days' occupancy rows (in day
 * order), takes as many places as are left, puts the children beyond them (in `children`
 * order) on the waiting list, and queues the confirmation e-mail written for the `expected`
 * outcome if it is the one. The rows stay locked for this round trip and the commit only.
 */
export async function takePlacesLast(
  trx: Trx,
  t: { period: Period; dossierId: string; children: string[]; days: string[]; expected: number[] },
  mail: RawBuilder<unknown>,
): Promise<LastTake> {
  const capacity = t.period.rules.capacity;
  const { rows } = await sql<{ granted: number[]; mailed: number; locked_at: string }>`
    with cur as materialized (
      select o.day, o.taken from occupancy o
      where o.period_id = ${t.period.id}::uuid and o.day = any(${t.days}::date[])
      order by o.day for update),
    given as materialized (
      select c.day, case when ${capacity}::int is null then ${t.children.length}::int
        else least(${t.children.length}::int, greatest(0, ${capacity}::int - c.taken)) end as n
      from cur c),
    took as (
      update occupancy o set taken = o.taken + g.n from given g
      where o.period_id = ${t.period.id}::uuid and o.day = g.day and g.n > 0),
    waiting as (
      update bookings b set status = 'waiting', holds_place = false, decided_by = null,
        decided_at = null, basket_id = null
      from given g
      where b.dossier_id = ${t.dossierId}::uuid and b.day = g.day
        and array_position(${t.children}::uuid[], b.child_id) > g.n),
    outcome as (select coalesce(array_agg(g.n order by g.day), '{}') as granted from given g),
    mail as (${mailRowsWhen(mail, sql`(select granted from outcome) = ${t.expected}::int[]`)})
    select (select granted from outcome) as granted, (select count(*)::int from mail) as mailed,
      (extract(epoch from clock_timestamp()) * 1000)::text as locked_at`.execute(trx);
  const row = rows[0] as { granted: number[]; mailed: number; locked_at: string };
  return { granted: row.granted, mailed: row.mailed > 0, lockedAt: Number(row.locked_at) };
}

/** Gives back the place a booking held (its status change is the caller's). */
export async function releasePlace(trx: Trx, periodId: string, day: string): Promise<void> {
  await trx
    .updateTable("occupancy")
    .set({ taken: sql`taken - 1` })
    .where("period_id", "=", periodId)
    .where("day", "=", day)
    .execute();
}

/**
 * A freed place goes to the first on the waiting list: booked at once ("auto") or
 * offered for the parent to accept ("offer"); the household is e-mailed either way.
 * Runs as staff or as the jobs persona, who see every household of the town.
 */
export async function promoteWaiting(trx: Trx, tenant: Tenant, period: Period, day: string): Promise<number> {
  if (period.rules.waitingList === "none") return 0;
  // The day's occupancy row first, then the waiting booking: the order every booking and
  // cancellation takes, so the job and a staff decision never wait on each other.
  await trx
    .selectFrom("occupancy")
    .select("taken")
    .where("period_id", "=", period.id)
    .where("day", "=", day)
    .forUpdate()
    .execute();
  let promoted = 0;
  for (;;) {
    const next = await firstWaiting(trx, period.id, day);
    if (!next || !(await takePlace(trx, tenant.id, period, day))) return promoted;
    await givePlace(trx, tenant, period, day, next);
    promoted++;
  }
}

/** The first booking on the day's waiting list, locked. */
function firstWaiting(trx: Trx, periodId: string, day: string) {
  return trx
    .selectFrom("bookings")
    .select(["id", "household_id", "child_id"])
    .where("period_id", "=", periodId)
    .where("day", "=", day)
    .where("status", "=", "waiting")
    .orderBy("created_at")
    .orderBy("id")
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/** What the place becomes: offered, waiting in « Mon panier », pending review or accepted. */
async function placeOutcome(trx: Trx, tenant: Tenant, period: Period, bookingId: string) {
  // Paid at booking, a place given at once waits in « Mon panier » with its deadline (issue 10).
  const basket =
    period.rules.waitingList === "auto" && period.rules.payment === "at_booking"
      ? await billing().basketForPlace(trx, tenant, bookingId, new Date())
      : null;
  const offered = period.rules.waitingList === "offer" || basket === "busy";
  const paying = basket !== null && basket !== "busy" ? basket : null;
  const accepted = period.rules.acceptance === "review" ? "pending" : "accepted";
  const status = offered ? "offered" : paying ? "unpaid" : accepted;
  // An offer waits for its answer the town's delay, then passes on (the expire_offer job).
  const until = offered ? new Date(Date.now() + tenant.config.planning.offerHours * 3_600_000) : null;
  return { offered, paying, status, until } as const;
}

/** Gives the freed place to the waiting booking and e-mails its household. */
async function givePlace(
  trx: Trx,
  tenant: Tenant,
  period: Period,
  day: string,
  next: { id: string; household_id: string; child_id: string },
) {
  const { offered, paying, status, until } = await placeOutcome(trx, tenant, period, next.id);
  await trx
    .updateTable("bookings")
    .set({
      status,
      holds_place: true,
      offer_expires_at: until,
      basket_id: paying?.id ?? null,
      updated_at: sql`now()`,
    })
    .where("id", "=", next.id)
    .execute();
  const child = await trx
    .selectFrom("children")
    .select(["first_name", "last_name"])
    .where("id", "=", next.child_id)
    .executeTakeFirstOrThrow();
  await notifyHousehold(trx, tenant, next.household_id, {
    template: offered ? "planning-place-offered" : "planning-place-given",
    data: {
      child: `${child.first_name} ${child.last_name}`,
      period: period.name,
      day: longDate(day),
      until: until && parisDateTime(until).replace(" ", " à "),
      basket: period.rules.payment === "at_booking",
      basketUntil: paying && parisDateTime(paying.expiresAt).replace(" ", " à "),
    },
  });
}
