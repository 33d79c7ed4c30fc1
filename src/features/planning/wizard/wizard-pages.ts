import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { isIsoDate, longDate, parisToday } from "../../../lib/dates.ts";
import { billing, type EstimatedDay } from "../billing-port.ts";
import type { PlanningContext } from "../booking/booking-service.ts";
import { rulesText } from "../booking/rules.ts";
import { ownChildren } from "../common/children-service.ts";
import type { Problem } from "../common/errors.ts";
import { recopy } from "../common/recopy.ts";
import { allPeriods, findPeriod, type Period } from "../offer/period-service.ts";
import { bookedOf, childrenWithAge, missingFor, occupancyOf } from "./wizard-data.ts";
import {
  cellOf,
  type GridChild,
  type GridInput,
  gridOf,
  predictedStatuses,
  selectionProblems,
} from "./wizard-grid.ts";
import { offerTree, unusable } from "./wizard-offer.ts";
import { type RecopyInput, type Selection, selectionQuery } from "./wizard-query.ts";

/** What a step renders: its template, its data, its status (422 when the input was refused). */
export interface View {
  template: string;
  data: Record<string, unknown>;
  status: 200 | 422;
}

const WEEKDAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];

const heading = (children: GridChild[], period?: Period) =>
  `Nouvelle réservation : ${children.map((c) => `${c.first_name} ${c.last_name}`).join(", ")}${period ? ` sur ${period.name}` : ""}`;

const view = (template: string, data: Record<string, unknown>, status: 200 | 422 = 200): View => ({
  template: `planning/wizard/${template}`,
  data,
  status,
});

/** Step 1, « Sélectionner l'usager ». A lone child is ticked already. */
export async function usagerStep(trx: Trx, ctx: PlanningContext, sel: Selection, error?: string) {
  const children = await childrenWithAge(trx, ctx.householdId, parisToday(ctx.now));
  const checked = (id: string) => sel.childIds.includes(id) || children.length === 1;
  return view(
    "usager",
    {
      step: 0,
      heading: "Nouvelle réservation",
      children: children.map((c) => ({ ...c, checked: checked(c.id) })),
      periodId: sel.periodId,
      days: sel.days.filter(isIsoDate),
      error,
    },
    error ? 422 : 200,
  );
}

/** Step 2, « Choix établissement et période », or the « formulaire incomplet » stop. */
export async function etablissementStep(trx: Trx, ctx: PlanningContext, sel: Selection, error?: string) {
  const children = await ownChildren(trx, ctx.householdId, sel.childIds);
  if (!children.length) return usagerStep(trx, ctx, sel, "Choisissez au moins un enfant.");
  const missing = await missingFor(trx, ctx.tenant, ctx.householdId, sel.childIds);
  const today = parisToday(ctx.now);
  const facilities = missing.length ? [] : offerTree(await allPeriods(trx), children, today, sel.periodId);
  return view(
    "etablissement",
    {
      step: 1,
      heading: heading(children),
      missing,
      facilities,
      childIds: sel.childIds,
      days: sel.days.filter(isIsoDate),
      back: `/planning/reserver?${selectionQuery(sel)}`,
      error,
    },
    error ? 422 : 200,
  );
}

type Chosen = { ok: true; input: GridInput } | { ok: false; view: View };

/** Steps 3 and 4 need own children, a complete file and a period they may use. */
async function chosen(trx: Trx, ctx: PlanningContext, sel: Selection): Promise<Chosen> {
  const children = await ownChildren(trx, ctx.householdId, sel.childIds);
  if (!children.length) return { ok: false, view: await etablissementStep(trx, ctx, sel) };
  const period = sel.periodId ? await findPeriod(trx, sel.periodId) : undefined;
  if (sel.periodId && !period) throw notFound();
  const today = parisToday(ctx.now);
  const refused = !period
    ? "Choisissez une période."
    : period.endsOn < today
      ? "Cette période est terminée."
      : unusable(period, children, today);
  const missing = await missingFor(trx, ctx.tenant, ctx.householdId, sel.childIds);
  if (missing.length || refused || !period)
    return {
      ok: false,
      view: await etablissementStep(trx, ctx, sel, missing.length ? undefined : (refused ?? undefined)),
    };
  const input: GridInput = {
    period,
    children,
    now: ctx.now,
    zone: ctx.tenant.config.holidayZone,
    taken: await occupancyOf(trx, period.id),
    booked: await bookedOf(trx, period.id, children),
  };
  return { ok: true, input };
}

/** « Sélection en cours »: who, where, when. */
function summary(input: GridInput, days: string[]) {
  const p = input.period;
  return {
    children: input.children.map((c) => `${c.first_name} ${c.last_name}`),
    facility: p.facility.name,
    category: p.category,
    service: p.service.name,
    period: p.name,
    dates: `Du ${longDate(p.startsOn)} au ${longDate(p.endsOn)}`,
    weekdays: p.weekdays.map((w) => WEEKDAYS[w - 1]?.slice(0, 3)).join(" "),
    days: days.map(longDate),
    rules: rulesText(p),
  };
}

/** « Mode recopie »: the selection plus the recopied days, or the fields' errors. */
function applyRecopy(input: GridInput, days: string[], r: RecopyInput) {
  const errors: Record<string, string> = {};
  if (!isIsoDate(r.from)) errors.du = "Indiquez une date de début valide.";
  if (!isIsoDate(r.to)) errors.au = "Indiquez une date de fin valide.";
  else if (isIsoDate(r.from) && r.to < r.from) errors.au = "La date de fin doit suivre la date de début.";
  const weekdays = r.weekdays.map(Number).filter((w) => input.period.weekdays.includes(w));
  if (!weekdays.length) errors.semaine = "Cochez au moins un jour de la semaine.";
  if (Object.keys(errors).length) return { days, errors, added: null };
  const copied = recopy(r.from, r.to, weekdays, (d) => cellOf(input, d).selectable);
  const added = copied.filter((d) => !days.includes(d)).length;
  return { days: [...new Set([...days, ...copied])].sort(), errors, added };
}

function planningView(
  input: GridInput,
  sel: Selection,
  extra: { problems?: Problem[]; recopy?: RecopyInput },
) {
  const outcome = extra.recopy ? applyRecopy(input, sel.days, extra.recopy) : null;
  const days = (outcome?.days ?? sel.days).filter((d) => isIsoDate(d) && cellOf(input, d).selectable);
  const firstOpen = days[0] ?? input.period.startsOn;
  const failed = !!extra.problems?.length || !!(outcome && Object.keys(outcome.errors).length);
  return view(
    "planning",
    {
      step: 2,
      heading: heading(input.children, input.period),
      months: gridOf(input, new Set(days)),
      weekdayNames: WEEKDAYS,
      openWeekdays: input.period.weekdays.map((w) => ({ value: w, label: WEEKDAYS[w - 1] })),
      summary: summary(input, days),
      sel: { ...sel, days },
      problems: extra.problems ?? [],
      recopy: {
        values: extra.recopy ?? {
          from: firstOpen,
          to: input.period.endsOn,
          weekdays: input.period.weekdays.map(String),
        },
        errors: outcome?.errors ?? {},
        added: outcome?.added ?? null,
      },
      back: `/planning/reserver/etablissement?${selectionQuery(sel)}`,
    },
    failed ? 422 : 200,
  );
}

/** Step 3, « Planning » (with the problems of a refused validation, when there were some). */
export async function planningStep(
  trx: Trx,
  ctx: PlanningContext,
  sel: Selection,
  extra: { problems?: Problem[]; recopy?: RecopyInput | null } = {},
) {
  const c = await chosen(trx, ctx, sel);
  if (!c.ok && extra.problems?.length)
    return { ...c.view, data: { ...c.view.data, problems: extra.problems }, status: 422 as const };
  if (!c.ok) return c.view;
  return planningView(c.input, sel, { problems: extra.problems, recopy: extra.recopy ?? undefined });
}

/** Step 4, « Récapitulatif », with the one-time key that makes « Valider » safe to click twice. */
export async function recapStep(trx: Trx, ctx: PlanningContext, sel: Selection) {
  const c = await chosen(trx, ctx, sel);
  if (!c.ok) return c.view;
  const problems = selectionProblems(c.input, sel.days);
  if (problems.length) return planningView(c.input, sel, { problems });
  const lines = predictedStatuses(c.input, sel.days);
  const price = await priceOf(trx, ctx, c.input.period, lines);
  return view("recapitulatif", {
    step: 3,
    heading: heading(c.input.children, c.input.period),
    summary: summary(c.input, sel.days),
    lines: lines.map((l) => ({
      ...l,
      days: l.days.map((d) => ({ ...d, price: price.price(`${l.childId}|${d.day}`) })),
    })),
    priced: price.priced,
    total: price.total,
    explanation: price.explanation,
    paidAtBooking: c.input.period.rules.payment === "at_booking",
    sel,
    key: crypto.randomUUID(),
    back: `/planning/reserver/planning?${selectionQuery(sel)}`,
  });
}

/** The estimated price of the days that will take a place (a waiting day is not billed). */
function priceOf(
  trx: Trx,
  ctx: PlanningContext,
  period: Period,
  lines: ReturnType<typeof predictedStatuses>,
) {
  const units = lines.flatMap((l) =>
    l.days
      .filter((d) => d.status !== "waiting")
      .map((d) => ({
        ref: `${l.childId}|${d.day}`,
        unit: period.service.unit as EstimatedDay["unit"],
        period: period.id,
        childId: l.childId,
        service: period.service.key,
        day: d.day,
        label: l.child,
      })),
  );
  return billing().estimate(trx, ctx.tenant, ctx.householdId, units);
}
