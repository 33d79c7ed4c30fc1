import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { parisToday } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { type Actor, recordWrites } from "../../audit/service.ts";
import { bookPatterns, patternDays } from "../../planning/booking/pattern-service.ts";
import { findPeriod, type Period } from "../../planning/offer/period-service.ts";
import { type Told, tellDecisions } from "./mail.ts";
import type { EnrolmentRow } from "./repo.ts";
import * as enrolmentRepo from "./repo.ts";

export interface StaffCtx {
  tenant: Tenant;
  actor: Actor;
  actorName: string;
  now: Date;
}

export type Decision = { kind: "accept" } | { kind: "refuse"; reason: string } | { kind: "wait" };

const ALREADY_DECIDED =
  "Une des inscriptions choisies a déjà été traitée (par un autre agent ?). Rien n'a été modifié : rechargez la liste.";

async function lockOpen(trx: Trx, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await enrolmentRepo.lockMany(trx, unique) : [];
  if (rows.length !== unique.length) throw notFound();
  if (rows.some((r) => r.status !== "pending" && r.status !== "waiting"))
    throw new AppError("bad_request", 409, ALREADY_DECIDED);
  return rows;
}

/** « Inscriptions à traiter »: the chosen requests accepted, refused or put on the waiting list, all or none. */
export async function decide(trx: Trx, ctx: StaffCtx, ids: string[], decision: Decision): Promise<number> {
  const rows = await lockOpen(trx, ids);
  if (decision.kind === "accept") return (await accept(trx, ctx, rows)).accepted;
  const status = decision.kind === "refuse" ? "refused" : "waiting";
  const reason = decision.kind === "refuse" ? decision.reason : null;
  await record(
    trx,
    ctx,
    rows.map((e) => ({ e, status, reason, dossierId: null, booked: 0 })),
  );
  return rows.length;
}

type Decided = {
  e: EnrolmentRow;
  status: Told;
  reason: string | null;
  dossierId: string | null;
  booked: number;
};

/** The decisions saved, audited and e-mailed (when they change the state), a few statements for all. */
async function record(trx: Trx, ctx: StaffCtx, decided: Decided[]) {
  await enrolmentRepo.decideMany(
    trx,
    ctx.actor.userId,
    decided.map((d) => ({
      id: d.e.id,
      status: d.status,
      reason: d.reason,
      dossierId: d.dossierId,
      booked: d.dossierId ? d.booked : null,
    })),
  );
  await recordWrites(
    trx,
    ctx.tenant.id,
    ctx.actor,
    decided.map((d) => ({
      householdId: d.e.household_id,
      action: d.status,
      entity: "enrolments",
      entityId: d.e.id,
      fields: [],
    })),
  );
  await tellDecisions(
    trx,
    ctx.tenant,
    decided.filter((d) => d.e.status !== d.status),
  );
}

/** The periods the enrolments are for, each read once. */
async function periodsOf(trx: Trx, rows: EnrolmentRow[]) {
  const periods = new Map<string, Period>();
  for (const e of rows) {
    if (periods.has(e.period_id)) continue;
    const p = await findPeriod(trx, e.period_id);
    if (!p) throw notFound();
    periods.set(p.id, p);
  }
  return periods;
}

/** The days an enrolment's pattern books, from tomorrow at the earliest. */
function patternDaysOf(ctx: StaffCtx, periods: Map<string, Period>) {
  const zone = ctx.tenant.config.holidayZone;
  const tomorrow = parisToday(new Date(ctx.now.getTime() + 86_400_000));
  // Most families share a pattern (the canteen four days a week): each is computed once.
  const memo = new Map<string, string[]>();
  return (e: EnrolmentRow) => {
    const period = periods.get(e.period_id) as Period;
    const from = e.starts_on > tomorrow ? e.starts_on : tomorrow;
    const key = `${period.id}|${e.weekdays.join()}|${from}|${e.ends_on}`;
    if (!memo.has(key)) memo.set(key, patternDays(period, e.weekdays, from, e.ends_on, zone));
    return memo.get(key) as string[];
  };
}

/**
 * Accepting books the days of every regular pattern in one set-based step (bookPatterns);
 * a pattern whose days no longer all fit goes on the waiting list instead, in arrival order.
 */
async function accept(trx: Trx, ctx: StaffCtx, rows: EnrolmentRow[]) {
  const periods = await periodsOf(trx, rows);
  const daysOf = patternDaysOf(ctx, periods);
  const regular = rows.filter((e) => e.mode === "regular");
  const outcomes = await bookPatterns(
    trx,
    ctx.tenant,
    ctx.actor,
    ctx.actorName,
    regular.map((e) => ({
      householdId: e.household_id,
      childId: e.child_id,
      period: periods.get(e.period_id) as Period,
      days: daysOf(e),
    })),
  );
  const booked = new Map(regular.map((e, i) => [e.id, outcomes[i]]));
  const decided = rows.map((e): Decided => {
    const out = booked.get(e.id);
    const ok = !out || out.dossierId !== null;
    return {
      e,
      status: ok ? "accepted" : "waiting",
      reason: null,
      dossierId: out?.dossierId ?? null,
      booked: out?.booked ?? 0,
    };
  });
  await record(trx, ctx, decided);
  return { accepted: decided.filter((d) => d.status === "accepted").length };
}

/** A place freed: the period's waiting list is served in arrival order, as far as places allow. */
export async function serveWaiting(trx: Trx, ctx: StaffCtx, periodId: string): Promise<number> {
  const ids = await enrolmentRepo.waitingIds(trx, periodId);
  if (ids.length === 0) return 0;
  return (await accept(trx, ctx, await enrolmentRepo.lockMany(trx, ids))).accepted;
}
