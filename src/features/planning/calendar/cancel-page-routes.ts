import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireParent } from "../../../auth/middleware.ts";
import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { readForm, uuidQuery } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, longDate, parisToday } from "../../../lib/dates.ts";
import { isUuid, many } from "../../../lib/form-fields.ts";
import type { PlanningContext } from "../booking/booking-service.ts";
import { cancel, previewCancel } from "../booking/cancel-service.ts";
import { orProblems, PlanningError } from "../common/errors.ts";
import { findPeriod, type Period } from "../offer/period-service.ts";
import { monthHref, parentPlanning } from "./calendar-context.ts";
import { bookingDetail, monthOf } from "./calendar-view.ts";
import { cancelDone, periodBookings, recopySelection } from "./cancel-page.ts";

const WEEKDAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];

type Outcome = { done: "annulee" | "annulation-demandee"; day: string } | { confirm: true };
type Extra = Record<string, unknown>;

/** Cancels all the days or none; a late day needs the parent's confirmation first. */
async function runCancel(
  trx: Trx,
  ctx: PlanningContext,
  ids: string[],
  key: string,
  confirmLate: boolean,
): Promise<Outcome> {
  if (await cancelDone(trx, ctx.householdId, key)) return { done: "annulee", day: "" };
  const previews = await previewCancel(trx, ctx, ids);
  if (previews.some((p) => p.kind === "late_billed") && !confirmLate) return { confirm: true };
  await cancel(trx, ctx, { bookingIds: ids, idempotencyKey: key, confirmLate });
  const requested = previews.some((p) => p.request);
  return { done: requested ? "annulation-demandee" : "annulee", day: previews[0]?.day ?? "" };
}

const LATE_ERROR = { tardive: "Cochez cette case pour confirmer l'annulation tardive." };

/** The cancel form: the chosen days, the idempotency key, « annulation tardive » ticked or not. */
const CANCEL_FORM = z.object({
  cle: z.string().refine(isUuid),
  tardive: z.string().optional(),
  reservations: many(z.string()).optional(),
});

/** Reads the cancel form (a key that is not ours is not found) and runs it in one transaction. */
async function postCancel(c: Context<AppEnv>, deps: Deps, ids: string[] | null) {
  const form = await readForm(c, CANCEL_FORM, { all: true });
  if (!form.ok) throw notFound();
  const chosen = ids ?? (form.data.reservations ?? []).filter(isUuid);
  const { planning } = parentPlanning(c, deps);
  const { cle, tardive } = form.data;
  const out = await orProblems(
    inTransaction(c, deps.db, (trx) => runCancel(trx, planning, chosen, cle, tardive === "1")),
  );
  const href = (day: string) => `${monthHref(monthOf(day || parisToday(planning.now)))}`;
  if (out instanceof PlanningError) return { chosen, problems: out.problems } as const;
  if ("confirm" in out) return { chosen, confirm: { errors: LATE_ERROR, cle } } as const;
  return { done: seeOther(c, `${href(out.day)}&message=${out.done}`) } as const;
}

/** The one-day page: what cancelling will do, or why it cannot be done. */
async function onePage(c: Context<AppEnv>, deps: Deps, id: string, extra: Extra, status: 200 | 422) {
  const { planning } = parentPlanning(c, deps);
  const { b, previews } = await inTransaction(c, deps.db, async (trx) => {
    const b = await bookingDetail(trx, planning.householdId, id);
    if (!b) throw notFound();
    return { b, previews: await orProblems(previewCancel(trx, planning, [id])) };
  });
  const refused = previews instanceof PlanningError;
  const view = {
    b,
    day: longDate(b.day),
    preview: refused ? undefined : previews[0],
    problems: refused ? previews.problems : [],
    cle: crypto.randomUUID(),
    errors: {},
  };
  return page(c, "planning/cancel/one", { ...view, ...extra }, status);
}

/** « Plus de jours »: the period's days per child, the selection kept or made by « mode recopie ». */
async function morePage(c: Context<AppEnv>, deps: Deps, selected: string[], extra: Extra, status: 200 | 422) {
  const { planning } = parentPlanning(c, deps);
  const periodId = uuidQuery(c, "periode");
  const today = parisToday(planning.now);
  const { period, children } = await inTransaction(c, deps.db, async (trx) => {
    const period = await findPeriod(trx, periodId);
    if (!period) throw notFound();
    return { period, children: await periodBookings(trx, planning.householdId, periodId, today) };
  });
  const view = {
    period,
    place: placeOf(period),
    children: children.map((ch) => ({
      ...ch,
      days: ch.days.map((d) => ({ ...d, checked: selected.includes(d.id) })),
    })),
    weekdays: period.weekdays.map((n) => ({ n, label: WEEKDAYS[n - 1] })),
    values: extra.values ?? {},
    chosenWeekdays: extra.chosenWeekdays ?? period.weekdays,
    errors: {},
    problems: [],
  };
  return page(c, "planning/cancel/more", { ...view, ...extra }, status);
}

/** The confirmation step: what each chosen day will become (previewCancel), before « Valider ». */
async function confirmPage(c: Context<AppEnv>, deps: Deps, ids: string[], extra: Extra, status: 200 | 422) {
  const { planning } = parentPlanning(c, deps);
  const selected = ids.filter(isUuid);
  const previews = await orProblems(
    inTransaction(c, deps.db, (trx) => previewCancel(trx, planning, selected)),
  );
  if (previews instanceof PlanningError)
    return morePage(c, deps, selected, { problems: previews.problems }, 422);
  const view = {
    period: uuidQuery(c, "periode"),
    previews: previews.map((p) => ({ ...p, label: longDate(p.day) })),
    late: previews.some((p) => p.kind === "late_billed"),
    request: previews.some((p) => p.request),
    cle: crypto.randomUUID(),
    errors: {},
  };
  return page(c, "planning/cancel/confirm", { ...view, ...extra }, status);
}

/** « Plus de jours » asked: the confirmation step, the plain list, or the « mode recopie » selection. */
async function showMore(c: Context<AppEnv>, deps: Deps) {
  const chosen = c.req.queries("reservation") ?? [];
  if (c.req.query("etape") === "confirmer") return confirmPage(c, deps, chosen, {}, 200);
  const du = c.req.query("du");
  const au = c.req.query("au");
  if (du === undefined && au === undefined) return morePage(c, deps, chosen, {}, 200);
  const weekdays = (c.req.queries("jours") ?? []).map(Number).filter((n) => n >= 1 && n <= 7);
  const values = { du: du ?? "", au: au ?? "" };
  const errors = recopyErrors(values.du, values.au, weekdays);
  if (Object.keys(errors).length)
    return morePage(c, deps, [], { values, errors, chosenWeekdays: weekdays }, 422);
  const { planning } = parentPlanning(c, deps);
  const periodId = uuidQuery(c, "periode");
  const children = await inTransaction(c, deps.db, (trx) =>
    periodBookings(trx, planning.householdId, periodId, parisToday(planning.now)),
  );
  const selected = recopySelection(children, values.du, values.au, weekdays);
  return morePage(c, deps, selected, { values, chosenWeekdays: weekdays, recopied: selected.length }, 200);
}

/** « Annuler »: one day (« Cette demande ») or several (« Plus de jours »). Mounted at /. */
export function cancelPageRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/planning/annuler", requireParent, (c) => onePage(c, deps, uuidQuery(c, "reservation"), {}, 200));

  app.post("/planning/annuler", requireParent, async (c) => {
    const id = uuidQuery(c, "reservation");
    const out = await postCancel(c, deps, [id]);
    if ("done" in out) return out.done;
    return onePage(c, deps, id, out.confirm ?? {}, 422);
  });

  app.get("/planning/annuler/plus", requireParent, (c) => showMore(c, deps));

  app.post("/planning/annuler/plus", requireParent, async (c) => {
    uuidQuery(c, "periode");
    const out = await postCancel(c, deps, null);
    if ("done" in out) return out.done;
    if (out.confirm) return confirmPage(c, deps, out.chosen, out.confirm, 422);
    return morePage(c, deps, out.chosen, { problems: out.problems }, 422);
  });
  return app;
}

function recopyErrors(du: string, au: string, weekdays: number[]) {
  const errors: Record<string, string> = {};
  if (!isIsoDate(du)) errors.du = "Saisissez une date de début valide.";
  if (!isIsoDate(au)) errors.au = "Saisissez une date de fin valide.";
  else if (isIsoDate(du) && au < du) errors.au = "La date de fin doit suivre la date de début.";
  if (weekdays.length === 0) errors.jours = "Choisissez au moins un jour de la semaine.";
  return errors;
}

function placeOf(period: Period) {
  return [period.facility.name, period.service.name, period.name];
}
