import { randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireParent } from "../../../auth/middleware.ts";
import { notFound } from "../../../http/errors.ts";
import { readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { callerHousehold, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, longDate, parisToday, parseMonth } from "../../../lib/dates.ts";
import { isUuid, uuid } from "../../../lib/form-fields.ts";
import { parentScope, planningAbsenceRoutes } from "../absences/absence-routes.ts";
import { book } from "../booking/booking-service.ts";
import { bookingCheck, rulesText } from "../booking/rules.ts";
import { householdChildren, ownChild } from "../common/children-service.ts";
import { orProblems, PlanningError } from "../common/errors.ts";
import { findPeriod } from "../offer/period-service.ts";
import { AGENDA_ACTIONS, AGENDA_LEGEND, agendaMonth } from "./agenda-view.ts";

const requestSchema = z.object({
  periode: uuid(),
  enfant: uuid(),
  jour: z.string().refine(isIsoDate, "La date demandée n'est pas valide."),
  cle: uuid(),
});

const SENT = "Votre demande de réservation a été envoyée.";

/** The agenda link of a child's month, back from the pages an agenda cell opens. */
export const agendaHref = (day: string, childId: string) =>
  `/agenda?mois=${day.slice(0, 7)}&enfant=${childId}`;

/** The day, period and child a « Demande de réservation » names, or 404 when any is not theirs. */
async function requested(
  c: Context<AppEnv>,
  deps: Deps,
  q: { periode?: string; enfant?: string; jour?: string },
) {
  if (!isUuid(q.periode) || !isUuid(q.enfant) || !isIsoDate(q.jour)) throw notFound();
  const { periode, enfant } = q;
  return inTransaction(c, deps.db, async (trx) => {
    const period = await findPeriod(trx, periode);
    if (!period) throw notFound();
    const child = await ownChild(trx, callerHousehold(c), enfant);
    return { period, child, day: q.jour as string };
  });
}

type Requested = Awaited<ReturnType<typeof requested>>;

/** « Demande de réservation » of one day; with `problems` it answers 422. */
function requestPage(c: Context<AppEnv>, r: Requested, extra: Record<string, unknown>, status: 200 | 422) {
  const view = {
    ...r,
    long: longDate(r.day),
    rules: rulesText(r.period),
    key: randomUUID(),
    back: agendaHref(r.day, r.child.id),
  };
  return page(c, "planning/agenda/reserver", { ...view, ...extra }, status);
}

/** The agenda of one child (the first by default) for the month asked. */
async function showAgenda(c: Context<AppEnv>, deps: Deps) {
  const s = parentScope(c, deps);
  const month = parseMonth(c.req.query("mois")) ?? parisToday(s.planning.now).slice(0, 7);
  const data = await inTransaction(c, deps.db, async (trx) => {
    const children = await householdChildren(trx, s.householdId);
    const child = children.find((x) => x.id === c.req.query("enfant")) ?? children[0];
    const agenda = child ? await agendaMonth(trx, s.planning.tenant, s.planning.now, child, month) : null;
    return { children, child, agenda };
  });
  return page(c, "planning/agenda/index", {
    ...data,
    legend: AGENDA_LEGEND,
    actions: AGENDA_ACTIONS,
    message: c.req.query("demande") === "envoyee" ? SENT : undefined,
  });
}

/** « Agenda » (the Plombières view): a month grid per child whose cells carry their actions. */
export function planningAgendaRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/agenda", requireParent, (c) => showAgenda(c, deps));

  app.get("/agenda/reserver", requireParent, async (c) => {
    const r = await requested(c, deps, c.req.query());
    const check = bookingCheck(r.period, r.day, deps.now(), c.get("tenant").config.holidayZone);
    return requestPage(c, r, { blocked: check.ok ? null : check.label }, 200);
  });

  app.post("/agenda/reserver", requireParent, async (c) => {
    const form = await readForm(c, requestSchema);
    if (!form.ok) throw notFound();
    const { periode, enfant, jour, cle } = form.data;
    const { planning } = parentScope(c, deps);
    const done = await orProblems(
      inTransaction(c, deps.db, (trx) =>
        book(trx, planning, { periodId: periode, childIds: [enfant], days: [jour], idempotencyKey: cle }),
      ),
    );
    if (done instanceof PlanningError)
      return requestPage(c, await requested(c, deps, form.data), { problems: done.problems }, 422);
    return seeOther(c, `${agendaHref(jour, enfant)}&demande=envoyee`);
  });

  app.route("/", planningAbsenceRoutes(deps));
  return app;
}
