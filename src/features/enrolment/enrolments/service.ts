import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { addDays, parisToday, shortDate } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import { cancelCheck, ineligibility } from "../../planning/booking/booking-service.ts";
import { cancelPatternFrom, patternDays } from "../../planning/booking/pattern-service.ts";
import { householdChildren, ownChild } from "../../planning/common/children-service.ts";
import { allPeriods, findPeriod, type Period } from "../../planning/offer/period-service.ts";
import { auditOf } from "../audit.ts";
import { type Attached, deposit, fieldOf, fields, labelOf, missing } from "../required-documents.ts";
import * as enrolmentRepo from "./repo.ts";
import { type EnrolmentForm, WEEKDAYS } from "./schemas.ts";

const audit = auditOf("enrolments");

export interface ParentCtx {
  tenant: Tenant;
  actor: Actor;
  householdId: string;
  now: Date;
}

export type Outcome = { ok: true; id: string } | { ok: false; errors: Record<string, string> };

/** The household's children and the periods a family may enrol in (not over yet). */
export async function formData(trx: Trx, ctx: ParentCtx) {
  const today = parisToday(ctx.now);
  const children = await householdChildren(trx, ctx.householdId);
  const periods = (await allPeriods(trx)).filter((p) => p.endsOn >= today);
  const { pieces, accept } = fields(
    ctx.tenant,
    periods.flatMap((p) => p.rules.enrolmentDocuments),
  );
  const asking = (type: string) => [
    ...new Set(periods.filter((p) => p.rules.enrolmentDocuments.includes(type)).map((p) => p.service.name)),
  ];
  const documents = pieces.map((d) => ({ ...d, services: asking(d.type).join(", ") }));
  return { children, periods, weekdays: WEEKDAYS, documents, accept };
}

/** What is wrong with the request, by field (nothing is written). */
async function problems(
  trx: Trx,
  ctx: ParentCtx,
  form: EnrolmentForm,
  period: Period | undefined,
  files: Attached,
) {
  const errors: Record<string, string> = {};
  const child = await ownChild(trx, ctx.householdId, form.enfant);
  if (!period) return { periode: "Choisissez un service et une période." };
  const start = form.mode === "regular" ? form.debut : period.startsOn;
  const today = parisToday(ctx.now);
  const first = today > period.startsOn ? today : period.startsOn;
  if (form.mode === "regular" && (start < first || start > period.endsOn))
    errors.debut = `La date de début doit être comprise entre le ${shortDate(first)} et le ${shortDate(period.endsOn)}.`;
  const closed = form.jours
    .filter((d) => !period.weekdays.includes(d))
    .map((d) => WEEKDAYS[d]?.toLowerCase());
  if (form.mode === "regular" && closed.length)
    errors.jours = `Ce service ne fonctionne pas le ${closed.join(", le ")}.`;
  const why = ineligibility(child, period, start < first ? first : start);
  if (why) errors.periode = `${why} : cet enfant ne peut pas être inscrit à ce service.`;
  else if (await enrolmentRepo.hasLive(trx, child.id, period.id))
    errors.periode = "Une inscription est déjà en cours pour cet enfant sur cette période.";
  const wanted = period.rules.enrolmentDocuments;
  for (const type of await missing(trx, ctx.householdId, child.id, wanted, files))
    errors[fieldOf(type)] ??= `Joignez ce document : le service le demande (${labelOf(ctx.tenant, type)}).`;
  if (!Object.keys(errors).length && form.mode === "regular") {
    const zone = ctx.tenant.config.holidayZone;
    if (patternDays(period, form.jours, start, period.endsOn, zone).length === 0)
      errors.jours = "Aucun jour d'accueil ne correspond à ce rythme sur la période.";
  }
  return errors;
}

/** « Nouvelle inscription »: saved « en attente », or every problem told by field. */
export async function request(
  trx: Trx,
  ctx: ParentCtx,
  form: EnrolmentForm,
  files: Attached,
): Promise<Outcome> {
  const period = await findPeriod(trx, form.periode);
  const errors = await problems(trx, ctx, form, period, files);
  if (Object.keys(errors).length || !period) return { ok: false, errors };
  const who = { userId: ctx.actor.userId, householdId: ctx.householdId, childId: form.enfant };
  await deposit(trx, ctx.tenant, who, files, period.rules.enrolmentDocuments);
  const regular = form.mode === "regular";
  const id = await enrolmentRepo.insert(trx, {
    tenantId: ctx.tenant.id,
    householdId: ctx.householdId,
    childId: form.enfant,
    periodId: period.id,
    serviceId: period.service.id,
    mode: form.mode,
    weekdays: regular ? [...new Set(form.jours)].sort() : [],
    startsOn: regular ? form.debut : period.startsOn,
    endsOn: period.endsOn,
    createdBy: ctx.actor.userId,
  });
  await audit(trx, ctx.tenant, ctx.actor, ctx.householdId, "create", id);
  return { ok: true, id };
}

/** « Inscriptions en cours »: the household's enrolments grouped by child. */
export async function ofHousehold(trx: Trx, householdId: string) {
  const rows = await enrolmentRepo.ofHousehold(trx, householdId);
  const children = new Map<string, { name: string; rows: typeof rows }>();
  for (const r of rows) {
    const entry = children.get(r.child_id) ?? { name: `${r.first_name} ${r.last_name}`, rows: [] };
    entry.rows.push(r);
    children.set(r.child_id, entry);
  }
  return [...children.values()];
}

/** Takes back a request not decided yet (pending or on the waiting list). */
export async function withdraw(trx: Trx, ctx: ParentCtx, id: string): Promise<boolean> {
  const e = await enrolmentRepo.findOne(trx, id);
  if (!e || e.household_id !== ctx.householdId) throw notFound();
  if (e.status !== "pending" && e.status !== "waiting") return false;
  await enrolmentRepo.update(trx, id, { status: "withdrawn" });
  await audit(trx, ctx.tenant, ctx.actor, ctx.householdId, "withdraw", id);
  return true;
}

/**
 * Ends an accepted enrolment from a day: the booked days from then on are cancelled (their
 * places go back), as far as the service's cancellation notice allows.
 */
export async function end(trx: Trx, ctx: ParentCtx, id: string, from: string): Promise<Outcome> {
  const e = await enrolmentRepo.findOne(trx, id);
  if (!e || e.household_id !== ctx.householdId) throw notFound();
  const period = await findPeriod(trx, e.period_id);
  if (!period || e.status !== "accepted")
    return { ok: false, errors: { fin: "Cette inscription n'est plus en cours." } };
  if (from < e.starts_on || from > e.ends_on)
    return {
      ok: false,
      errors: {
        fin: `La date de fin doit être comprise entre le ${shortDate(e.starts_on)} et le ${shortDate(e.ends_on)}.`,
      },
    };
  const check = cancelCheck(period, from, ctx.now);
  if (check.kind !== "free")
    return {
      ok: false,
      errors: {
        fin: `Trop tôt : le délai d'annulation du service (${period.rules.cancelNoticeDays} jour(s) ouvré(s), ${period.rules.cancelCutoff}) ne permet pas de finir le ${shortDate(from)}.`,
      },
    };
  if (e.dossier_id) await cancelPatternFrom(trx, ctx.tenant, period, e.dossier_id, from);
  const last = addDays(from, -1);
  await enrolmentRepo.update(trx, id, { status: "ended", endsOn: last < e.starts_on ? e.starts_on : last });
  await audit(trx, ctx.tenant, ctx.actor, ctx.householdId, "end", id);
  return { ok: true, id };
}
