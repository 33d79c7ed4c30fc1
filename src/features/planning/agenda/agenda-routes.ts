import { randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireParent } from "../../../auth/middleware.ts";
import { notFound } from "../../../http/errors.ts";
import { readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, longDate, parisToday, parseMonth } from "../../../lib/dates.ts";
import { parentScope, planningAbsenceRoutes } from "../absences/absence-routes.ts";
import { book, ownChildren } from "../booking/booking-service.ts";
import { bookingCheck, rulesText } from "../booking/rules.ts";
import { findPeriod } from "../offer/period-service.ts";
import { PlanningError } from "../shared/errors.ts";
import { AGENDA_ACTIONS, AGENDA_LEGEND, agendaMonth, householdChildren } from "./agenda-view.ts";

const UUID = z.uuid();
const requestSchema = z.object({
  periode: z.uuid(),
  enfant: z.uuid(),
  jour: z.string().refine(isIsoDate, "La date demandée n'est pas valide."),
  cle: z.uuid(),
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
  if (!UUID.safeParse(q.periode).success || !UUID.safeParse(q.enfant).success) throw notFound();
  if (!isIsoDate(q.jour)) throw notFound();
  const s = parentScope(c, deps);
  return deps.db.withTenant(s.db, async (trx) => {
    const period = await findPeriod(trx, q.periode as string);
    if (!period) throw notFound();
    const [child] = await ownChildren(trx, s.householdId, [q.enfant as string]);
    return { period, child: child as NonNullable<typeof child>, day: q.jour as string };
  });
}

/** « Agenda » (the Plombières view): a month grid per child whose cells carry their actions. */
export function planningAgendaRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/agenda", requireParent, async (c) => {
    const s = parentScope(c, deps);
    const month = parseMonth(c.req.query("mois")) ?? parisToday(s.planning.now).slice(0, 7);
    const data = await deps.db.withTenant(s.db, async (trx) => {
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
  });

  app.get("/agenda/reserver", requireParent, async (c) => {
    const r = await requested(c, deps, c.req.query());
    const now = deps.now();
    const check = bookingCheck(r.period, r.day, now, c.get("tenant").config.holidayZone);
    return page(c, "planning/agenda/reserver", {
      ...r,
      long: longDate(r.day),
      rules: rulesText(r.period),
      blocked: check.ok ? null : check.label,
      key: randomUUID(),
      back: agendaHref(r.day, r.child.id),
    });
  });

  app.post("/agenda/reserver", requireParent, async (c) => {
    const form = await readForm(c, requestSchema);
    if (!form.ok) throw notFound();
    const { periode, enfant, jour, cle } = form.data;
    const s = parentScope(c, deps);
    try {
      await deps.db.withTenant(s.db, (trx) =>
        book(trx, s.planning, { periodId: periode, childIds: [enfant], days: [jour], idempotencyKey: cle }),
      );
    } catch (err) {
      if (!(err instanceof PlanningError)) throw err;
      const r = await requested(c, deps, form.data);
      return page(
        c,
        "planning/agenda/reserver",
        {
          ...r,
          long: longDate(jour),
          rules: rulesText(r.period),
          problems: err.problems,
          key: randomUUID(),
          back: agendaHref(jour, enfant),
        },
        422,
      );
    }
    return seeOther(c, `${agendaHref(jour, enfant)}&demande=envoyee`);
  });

  app.route("/", planningAbsenceRoutes(deps));
  return app;
}
