import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { parisToday } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import { findPeriod, type Period } from "../../planning/offer.ts";
import { bookPatterns, patternDays } from "../../planning/pattern-booking.ts";
import { tellDecision } from "./mail.ts";
import type { EnrolmentRow } from "./repo.ts";
import * as enrolmentRepo from "./repo.ts";
import { audit } from "./service.ts";

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
  for (const e of rows) {
    const status = decision.kind === "refuse" ? "refused" : "waiting";
    const reason = decision.kind === "refuse" ? decision.reason : null;
    await enrolmentRepo.update(trx, e.id, { status, reason, decidedBy: ctx.actor.userId });
    await audit(trx, ctx.tenant, ctx.actor, e.household_id, status, e.id);
    if (e.status !== status) await tellDecision(trx, ctx.tenant, { ...e, reason }, status);
  }
  return rows.length;
}

/**
 * Accepting books the days of every regular pattern in one set-based step (bookPatterns);
 * a pattern whose days no longer all fit goes on the waiting list instead, in arrival order.
 */
async function accept(trx: Trx, ctx: StaffCtx, rows: EnrolmentRow[]) {
  const periods = new Map<string, Period>();
  for (const e of rows) {
    if (periods.has(e.period_id)) continue;
    const p = await findPeriod(trx, e.period_id);
    if (!p) throw notFound();
    periods.set(p.id, p);
  }
  const zone = ctx.tenant.config.holidayZone;
  const tomorrow = parisToday(new Date(ctx.now.getTime() + 86_400_000));
  const regular = rows.filter((e) => e.mode === "regular");
  // Most families share a pattern (the canteen four days a week): each is computed once.
  const memo = new Map<string, string[]>();
  const daysOf = (e: EnrolmentRow) => {
    const period = periods.get(e.period_id) as Period;
    const from = e.starts_on > tomorrow ? e.starts_on : tomorrow;
    const key = `${period.id}|${e.weekdays.join()}|${from}|${e.ends_on}`;
    if (!memo.has(key)) memo.set(key, patternDays(period, e.weekdays, from, e.ends_on, zone));
    return memo.get(key) as string[];
  };
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
  let accepted = 0;
  for (const e of rows) {
    const out = booked.get(e.id);
    const ok = !out || out.dossierId !== null;
    const status = ok ? "accepted" : "waiting";
    await enrolmentRepo.update(trx, e.id, {
      status,
      reason: null,
      decidedBy: ctx.actor.userId,
      ...(out?.dossierId ? { dossierId: out.dossierId, bookedDays: out.booked } : {}),
    });
    await audit(trx, ctx.tenant, ctx.actor, e.household_id, status, e.id);
    if (e.status !== status) await tellDecision(trx, ctx.tenant, e, status, out?.booked ?? 0);
    if (ok) accepted++;
  }
  return { accepted };
}

/** A place freed: the period's waiting list is served in arrival order, as far as places allow. */
export async function serveWaiting(trx: Trx, ctx: StaffCtx, periodId: string): Promise<number> {
  const ids = await enrolmentRepo.waitingIds(trx, periodId);
  if (ids.length === 0) return 0;
  return (await accept(trx, ctx, await enrolmentRepo.lockMany(trx, ids))).accepted;
}
