import { type Context, Hono } from "hono";
import { requireParent } from "../../../auth/middleware.ts";
import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, longDate, parisToday } from "../../../lib/dates.ts";
import type { PlanningContext } from "../booking/booking-service.ts";
import { cancel, previewCancel } from "../booking/cancel-service.ts";
import { findPeriod, type Period } from "../offer/period-service.ts";
import { PlanningError, type Problem } from "../shared/errors.ts";
import { monthHref, parentPlanning } from "./calendar-context.ts";
import { bookingDetail, monthOf } from "./calendar-view.ts";
import { cancelDone, periodBookings, recopySelection } from "./cancel-page.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WEEKDAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];

function uuidOf(value: unknown): string {
  if (typeof value !== "string" || !UUID.test(value)) throw notFound();
  return value;
}

/** The repeated values of a form field (checkboxes), whatever the body gave. */
function many(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === "string");
}

type Outcome = { done: "annulee" | "annulation-demandee"; day: string } | { confirm: true };

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

/** « Annuler »: one day (« Cette demande ») or several (« Plus de jours »). Mounted at /. */
export function cancelPageRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  /** The one-day page: what cancelling will do, or why it cannot be done. */
  async function onePage(c: Context<AppEnv>, id: string, extra: Record<string, unknown>, status: 200 | 422) {
    const ctx = parentPlanning(c, deps);
    const { b, previews, problems } = await deps.db.withTenant(ctx.db, async (trx) => {
      const b = await bookingDetail(trx, ctx.planning.householdId, id);
      if (!b) throw notFound();
      try {
        return { b, previews: await previewCancel(trx, ctx.planning, [id]), problems: [] as Problem[] };
      } catch (err) {
        if (err instanceof PlanningError) return { b, previews: [], problems: err.problems };
        throw err;
      }
    });
    return page(
      c,
      "planning/cancel/one",
      {
        b,
        day: longDate(b.day),
        preview: previews[0],
        problems,
        cle: crypto.randomUUID(),
        errors: {},
        ...extra,
      },
      status,
    );
  }

  app.get("/planning/annuler", requireParent, (c) => onePage(c, uuidOf(c.req.query("reservation")), {}, 200));

  app.post("/planning/annuler", requireParent, async (c) => {
    const id = uuidOf(c.req.query("reservation"));
    const body = await c.req.parseBody();
    const key = uuidOf(body.cle);
    const ctx = parentPlanning(c, deps);
    try {
      const out = await deps.db.withTenant(ctx.db, (trx) =>
        runCancel(trx, ctx.planning, [id], key, body.tardive === "1"),
      );
      if ("confirm" in out) return onePage(c, id, { errors: LATE_ERROR, cle: key }, 422);
      return seeOther(
        c,
        `${monthHref(monthOf(out.day || parisToday(ctx.planning.now)))}&message=${out.done}`,
      );
    } catch (err) {
      if (!(err instanceof PlanningError)) throw err;
      return onePage(c, id, {}, 422);
    }
  });

  /** « Plus de jours »: the period's days per child, the selection kept or made by « mode recopie ». */
  async function morePage(
    c: Context<AppEnv>,
    selected: string[],
    extra: Record<string, unknown>,
    status: 200 | 422,
  ) {
    const ctx = parentPlanning(c, deps);
    const periodId = uuidOf(c.req.query("periode"));
    const today = parisToday(ctx.planning.now);
    const { period, children } = await deps.db.withTenant(ctx.db, async (trx) => {
      const period = await findPeriod(trx, periodId);
      if (!period) throw notFound();
      return { period, children: await periodBookings(trx, ctx.planning.householdId, periodId, today) };
    });
    return page(
      c,
      "planning/cancel/more",
      {
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
        ...extra,
      },
      status,
    );
  }

  app.get("/planning/annuler/plus", requireParent, async (c) => {
    if (c.req.query("etape") === "confirmer")
      return confirmPage(c, c.req.queries("reservation") ?? [], {}, 200);
    const du = c.req.query("du");
    const au = c.req.query("au");
    if (du === undefined && au === undefined) return morePage(c, c.req.queries("reservation") ?? [], {}, 200);
    const weekdays = (c.req.queries("jours") ?? []).map(Number).filter((n) => n >= 1 && n <= 7);
    const values = { du: du ?? "", au: au ?? "" };
    const errors = recopyErrors(values.du, values.au, weekdays);
    if (Object.keys(errors).length) return morePage(c, [], { values, errors, chosenWeekdays: weekdays }, 422);
    const ctx = parentPlanning(c, deps);
    const children = await deps.db.withTenant(ctx.db, (trx) =>
      periodBookings(
        trx,
        ctx.planning.householdId,
        uuidOf(c.req.query("periode")),
        parisToday(ctx.planning.now),
      ),
    );
    const selected = recopySelection(children, values.du, values.au, weekdays);
    return morePage(c, selected, { values, chosenWeekdays: weekdays, recopied: selected.length }, 200);
  });

  /** The confirmation step: what each chosen day will become (previewCancel), before « Valider ». */
  async function confirmPage(
    c: Context<AppEnv>,
    ids: string[],
    extra: Record<string, unknown>,
    status: 200 | 422,
  ) {
    const ctx = parentPlanning(c, deps);
    const selected = ids.filter((id) => UUID.test(id));
    try {
      const previews = await deps.db.withTenant(ctx.db, (trx) => previewCancel(trx, ctx.planning, selected));
      const period = uuidOf(c.req.query("periode"));
      return page(
        c,
        "planning/cancel/confirm",
        {
          period,
          previews: previews.map((p) => ({ ...p, label: longDate(p.day) })),
          late: previews.some((p) => p.kind === "late_billed"),
          request: previews.some((p) => p.request),
          cle: crypto.randomUUID(),
          errors: {},
          ...extra,
        },
        status,
      );
    } catch (err) {
      if (!(err instanceof PlanningError)) throw err;
      return morePage(c, selected, { problems: err.problems }, 422);
    }
  }

  app.post("/planning/annuler/plus", requireParent, async (c) => {
    uuidOf(c.req.query("periode"));
    const body = await c.req.parseBody({ all: true });
    const ids = many(body.reservations).filter((id) => UUID.test(id));
    const key = uuidOf(body.cle);
    const ctx = parentPlanning(c, deps);
    try {
      const out = await deps.db.withTenant(ctx.db, (trx) =>
        runCancel(trx, ctx.planning, ids, key, body.tardive === "1"),
      );
      if ("confirm" in out) return confirmPage(c, ids, { errors: LATE_ERROR, cle: key }, 422);
      return seeOther(
        c,
        `${monthHref(monthOf(out.day || parisToday(ctx.planning.now)))}&message=${out.done}`,
      );
    } catch (err) {
      if (!(err instanceof PlanningError)) throw err;
      return morePage(c, ids, { problems: err.problems }, 422);
    }
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
