/**
 * Enrolment bench (issue 15): in the billing town `factu`, `count` children ask for the
 * canteen « Régulier » four days a week from tomorrow to the end of its period (about a
 * school year), and staff accept them all in one bulk decision, through the real service
 * (`decide`): one transaction, bookings set-based. The canteen gets a capacity a little
 * under `count`, so the last ones go on the waiting list; the places taken are then read
 * back, and none may be over capacity.
 */
import { sql } from "kysely";
import type { Database } from "../src/db/database.ts";
import { decide } from "../src/features/enrolment/enrolments/decision-service.ts";
import { addDays, parisToday } from "../src/lib/dates.ts";
import type { BillingBenchData } from "./billing-generate.ts";

export interface EnrolmentReport {
  requested: number;
  capacity: number;
  accepted: number;
  waiting: number;
  bookings: number;
  ms: number;
  overCapacity: number;
}

export async function runEnrolments(db: Database, data: BillingBenchData, count: number, now: Date) {
  const staff = { role: "app_staff" as const, tenantId: data.tenant.id, userId: data.staffUserId };
  const capacity = Math.max(1, Math.round(count * 0.9));
  const from = addDays(parisToday(now), 1);
  const ids = await db.withTenant(staff, async (trx) => {
    await sql`update periods set rules = ${JSON.stringify({ capacity })}::jsonb where key = 'cantine'`.execute(
      trx,
    );
    const { rows } = await sql<{ id: string }>`
      insert into enrolments (tenant_id, household_id, child_id, period_id, service_id, mode, weekdays, starts_on, ends_on, created_at)
      select c.tenant_id, c.household_id, c.id, p.id, p.service_id, 'regular', '{1,2,4,5}', ${from}::date, p.ends_on,
        now() + make_interval(secs => row_number() over (order by c.id))
      from (select * from children order by id limit ${count}) c cross join periods p where p.key = 'cantine'
      returning id`.execute(trx);
    return rows.map((r) => r.id);
  });
  const t = performance.now();
  const actor = { kind: "staff" as const, userId: data.staffUserId };
  await db.withTenant(staff, (trx) =>
    decide(trx, { tenant: data.tenant, actor, actorName: "Agent", now }, ids, { kind: "accept" }),
  );
  const ms = performance.now() - t;
  const found = await db.withTenant(staff, async (trx) => {
    const { rows } = await sql<{ accepted: number; waiting: number; bookings: number; over: number }>`
      select
        (select count(*)::int from enrolments where status = 'accepted') as accepted,
        (select count(*)::int from enrolments where status = 'waiting') as waiting,
        (select coalesce(sum(booked_days), 0)::int from enrolments) as bookings,
        (select count(*)::int from (
          select b.day from bookings b join periods p on p.id = b.period_id
          where p.key = 'cantine' and b.holds_place and b.day >= ${from}::date
          group by b.day having count(*) > ${capacity}) o) as over`.execute(trx);
    return rows[0] as { accepted: number; waiting: number; bookings: number; over: number };
  });
  return {
    requested: ids.length,
    capacity,
    accepted: found.accepted,
    waiting: found.waiting,
    bookings: found.bookings,
    ms,
    overCapacity: found.over,
  } satisfies EnrolmentReport;
}

export function enrolmentLines(r: EnrolmentReport): string[] {
  const secs = (r.ms / 1000).toFixed(2);
  return [
    `bulk acceptance of ${r.requested} regular enrolments (canteen 4 days a week, capacity ${r.capacity}): ` +
      `${secs} s, ${r.accepted} accepted, ${r.waiting} on the waiting list, ${r.bookings} days booked, ` +
      `${Math.round(r.bookings / (r.ms / 1000))} bookings/s, ${r.overCapacity} days over capacity`,
  ];
}
