import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import type { MailRequest } from "../../../integrations/mail/outbox.ts";
import { isIsoDate } from "../../../lib/dates.ts";
import type { HouseholdChild } from "../common/children-service.ts";
import { baseQuery, type Period, type PeriodRow, toPeriod } from "../offer/period-service.ts";

/** Everything a booking reads before it writes, from one statement (issue 17, the rush). */
export interface BookingFacts {
  period: Period | undefined;
  /** The dossier this form's key already wrote, if any. */
  replay: { id: string; number: string } | null;
  /** The household's children among those asked for, by birth date (RLS hides others'). */
  children: HouseholdChild[];
  /** Live bookings of those children on those days. */
  taken: { child_id: string; day: string }[];
  /** Places taken on each valid day asked for, ascending (no row yet: 0), without a lock. */
  occupied: number[];
  /** The household's accounts with an e-mail address, for the confirmation. */
  recipients: { email: string; first_name: string; last_name: string }[];
}

/** The statement's row: the facts, the period as its row. */
type Raw = Omit<BookingFacts, "period"> & { period: PeriodRow | null };

/**
 * One round trip for the period, the form key's replay, the children, their live bookings on
 * the days, the days' occupancy and the household's addresses. `days` holds only valid dates.
 */
export async function bookingFacts(
  trx: Trx,
  q: { householdId: string; periodId: string; key: string; childIds: string[]; days: string[] },
  live: readonly string[],
): Promise<BookingFacts> {
  const days = q.days.filter(isIsoDate);
  const ids = [...new Set(q.childIds)];
  const period = baseQuery(trx).where("p.id", "=", q.periodId);
  const { rows } = await sql<Raw>`
    select
      (select to_jsonb(x) from (${period}) x) as period,
      (select jsonb_build_object('id', d.id, 'number', d.number::text) from booking_dossiers d
        where d.household_id = ${q.householdId}::uuid and d.idempotency_key = ${q.key}::uuid) as replay,
      coalesce((select jsonb_agg(jsonb_build_object('id', c.id, 'first_name', c.first_name,
          'last_name', c.last_name, 'birth_date', c.birth_date, 'class_level', c.class_level)
          order by c.birth_date)
        from children c where c.household_id = ${q.householdId}::uuid and c.id = any(${ids}::uuid[])),
        '[]') as children,
      coalesce((select jsonb_agg(jsonb_build_object('child_id', b.child_id, 'day', b.day))
        from bookings b where b.period_id = ${q.periodId}::uuid and b.child_id = any(${ids}::uuid[])
          and b.day = any(${days}::date[]) and b.status = any(${[...live]}::text[])), '[]') as taken,
      (select coalesce(array_agg(coalesce(o.taken, 0) order by d.day), '{}')
        from unnest(${days}::date[]) as d(day)
        left join occupancy o on o.period_id = ${q.periodId}::uuid and o.day = d.day) as occupied,
      coalesce((select jsonb_agg(jsonb_build_object('email', u.email, 'first_name', u.first_name,
          'last_name', u.last_name) order by u.id)
        from users u where u.household_id = ${q.householdId}::uuid and u.email is not null),
        '[]') as recipients`.execute(trx);
  const r = rows[0] as Raw;
  return { ...r, period: r.period ? toPeriod(r.period) : undefined };
}

/** The places `wanted` children would get on each day, from the occupancy read without a lock. */
export function freeFrom(period: Period, occupied: number[], wanted: number): number[] {
  const capacity = period.rules.capacity;
  return occupied.map((taken) =>
    capacity === null ? wanted : Math.min(wanted, Math.max(0, capacity - taken)),
  );
}

/** The confirmation for each of the household's addresses (householdMails, without its read). */
export function mailsTo(
  recipients: BookingFacts["recipients"],
  mail: { template: string; data: Record<string, unknown> },
): MailRequest[] {
  return recipients.map((p) => ({
    to: p.email,
    template: mail.template,
    data: { ...mail.data, name: `${p.first_name} ${p.last_name}` },
  }));
}
