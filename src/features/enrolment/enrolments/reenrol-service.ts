import type { Trx } from "../../../db/database.ts";
import { AppError } from "../../../http/errors.ts";
import { allPeriods, type Period } from "../../planning/offer/period-service.ts";
import { patternLabel } from "./pattern-label.ts";
import * as enrolmentRepo from "./repo.ts";
import { type ParentCtx, request } from "./service.ts";

/** A re-enrolment that could not be sent: nothing was, and the reasons are told. */
export class ReenrolError extends AppError {
  constructor(readonly messages: string[]) {
    super("bad_request", 422, messages.join(" "));
  }
}

/** The next period of the same service, after this one ends. */
function nextOf(periods: Period[], current: Period): Period | undefined {
  return periods
    .filter((p) => p.service.id === current.service.id && p.startsOn > current.endsOn)
    .sort((a, b) => a.startsOn.localeCompare(b.startsOn))[0];
}

/** « Réinscription »: this year's accepted enrolments, each with next year's period of its service. */
export async function offers(trx: Trx, householdId: string) {
  const periods = await allPeriods(trx);
  const byId = new Map(periods.map((p) => [p.id, p]));
  const rows = (await enrolmentRepo.ofHousehold(trx, householdId)).filter((e) => e.status === "accepted");
  const out = [];
  for (const e of rows) {
    const current = byId.get(e.period_id);
    const next = current && nextOf(periods, current);
    if (!next || (await enrolmentRepo.hasLive(trx, e.child_id, next.id))) continue;
    out.push({
      id: e.id,
      child: `${e.first_name} ${e.last_name}`,
      childId: e.child_id,
      from: `${e.service_name} › ${e.period_name}`,
      to: next,
      mode: e.mode,
      weekdays: e.weekdays,
      pattern: patternLabel(e),
    });
  }
  return out;
}

/** Sends the chosen re-enrolments in one step, « en attente » for staff; all or none. */
export async function reenrol(trx: Trx, ctx: ParentCtx, ids: string[]): Promise<number> {
  const chosen = (await offers(trx, ctx.householdId)).filter((o) => ids.includes(o.id));
  if (chosen.length === 0) throw new ReenrolError(["Cochez au moins une inscription à renouveler."]);
  const messages: string[] = [];
  for (const o of chosen) {
    const out = await request(
      trx,
      ctx,
      {
        enfant: o.childId,
        periode: o.to.id,
        mode: o.mode,
        jours: o.weekdays,
        debut: o.to.startsOn,
      },
      new Map(),
    );
    if (!out.ok)
      messages.push(
        `${o.child}, ${o.to.service.name} › ${o.to.name} : ${Object.values(out.errors).join(" ")}`,
      );
  }
  if (messages.length) throw new ReenrolError(messages);
  return chosen.length;
}
