import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireParent } from "../../../auth/middleware.ts";
import { notFound } from "../../../http/errors.ts";
import { readForm, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { longDate, parisDateTime, parisToday, parseMonth } from "../../../lib/dates.ts";
import { optionalText } from "../../../lib/form-fields.ts";
import { billing } from "../billing-port.ts";
import { acceptOffer, declineOffer } from "../booking/places/offer-answer.ts";
import { householdChildren } from "../common/children-service.ts";
import { orProblems, PlanningError, type Problem } from "../common/errors.ts";
import { LEGEND, stateOf } from "../common/labels.ts";
import { monthHref, PLANNING_MESSAGES, parentPlanning } from "./calendar-context.ts";
import * as view from "./calendar-view.ts";
import { cancelPageRoutes } from "./cancel-page-routes.ts";
import { createdLabel } from "./history.ts";
import { historyRoutes } from "./history-routes.ts";

/** The display options of « Mon planning », read from the query (a GET form). */
function displayOptions(c: Context<AppEnv>, children: { id: string }[], today: string) {
  const month = parseMonth(c.req.query("mois")) ?? today.slice(0, 7);
  const asked = c.req.queries("enfant") ?? [];
  const known = children.map((x) => x.id);
  const childIds = asked.length ? known.filter((id) => asked.includes(id)) : known;
  const showEnded = c.req.query("annulations") === "1";
  return { month, childIds, showEnded, filtered: asked.length > 0 };
}

/** What the links of the page keep: the children chosen and « annulations et refus ». */
function keptOptions(o: ReturnType<typeof displayOptions>) {
  const q = new URLSearchParams();
  if (o.showEnded) q.append("annulations", "1");
  if (o.filtered) for (const id of o.childIds) q.append("enfant", id);
  return q.toString();
}

/** The booking's actions, as its state and the day allow. */
function actionsOf(b: { id: string; status: string; day: string; period_id: string }, today: string) {
  const upcoming = b.day >= today;
  return {
    cancel: upcoming && ["pending", "accepted", "waiting"].includes(b.status),
    absence: upcoming && b.status === "accepted",
    offer: b.status === "offered",
    more: `/planning/annuler/plus?periode=${b.period_id}`,
  };
}

/** « Mon planning » for the month asked, with the household's children and the basket's days. */
async function showMonth(c: Context<AppEnv>, deps: Deps) {
  const { planning } = parentPlanning(c, deps);
  const today = parisToday(planning.now);
  const { children, bookings, options, basket } = await inTransaction(c, deps.db, async (trx) => {
    const children = await householdChildren(trx, planning.householdId);
    const options = displayOptions(c, children, today);
    const bookings = await view.monthBookings(trx, planning.householdId, options.month);
    const basket = await billing().waitingDays(trx, planning.householdId);
    return { children, bookings, options, basket };
  });
  const month = view.monthView(bookings, { ...options, today, zone: planning.tenant.config.holidayZone });
  const kept = keptOptions(options);
  return page(c, "planning/calendar/index", {
    month,
    children: children.map((x) => ({ ...x, shown: options.childIds.includes(x.id) })),
    showEnded: options.showEnded,
    links: {
      today: `/planning${kept ? `?${kept}` : ""}`,
      previous: `${monthHref(month.previous)}${kept ? `&${kept}` : ""}`,
      next: `${monthHref(month.next)}${kept ? `&${kept}` : ""}`,
    },
    legend: LEGEND,
    basket,
    message: PLANNING_MESSAGES[c.req.query("message") ?? ""],
  });
}

/** A booking's page; with `problems` it answers 422 (a place no longer offered). */
async function showBooking(c: Context<AppEnv>, deps: Deps, id: string, problems?: Problem[]) {
  const { planning } = parentPlanning(c, deps);
  const b = await inTransaction(c, deps.db, (trx) => view.bookingDetail(trx, planning.householdId, id));
  if (!b) throw notFound();
  const data = { b, ...detailData(b), actions: actionsOf(b, parisToday(planning.now)) };
  if (problems) return page(c, "planning/calendar/booking", { ...data, problems }, 422);
  return page(c, "planning/calendar/booking", {
    ...data,
    message: PLANNING_MESSAGES[c.req.query("message") ?? ""],
  });
}

const DECLINE = z.object({ cle: optionalText(100) });

/** « Mon planning »: month calendar, booking detail, the answer to an offered place. Mounted at /. */
export function planningCalendarRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/planning", requireParent, (c) => showMonth(c, deps));
  app.get("/planning/reservations/:id", requireParent, (c) => showBooking(c, deps, uuidParam(c, "id")));

  app.post("/planning/reservations/:id/accepter", requireParent, async (c) => {
    const id = uuidParam(c, "id");
    const { planning } = parentPlanning(c, deps);
    return answerOffer(c, id, async () => {
      const status = await inTransaction(c, deps.db, (trx) => acceptOffer(trx, planning, id));
      return status === "unpaid" ? "place-au-panier" : "place-acceptee";
    });
  });

  app.post("/planning/reservations/:id/refuser", requireParent, async (c) => {
    const id = uuidParam(c, "id");
    const { planning } = parentPlanning(c, deps);
    const form = await readForm(c, DECLINE);
    const key = (form.ok && form.data.cle) || crypto.randomUUID();
    return answerOffer(c, id, async () => {
      await inTransaction(c, deps.db, (trx) => declineOffer(trx, planning, id, key));
      return "place-refusee";
    });
  });

  app.route("/", cancelPageRoutes(deps));
  app.route("/", historyRoutes(deps));
  return app;

  /** Runs the answer; a place no longer offered says so on the booking's page. */
  async function answerOffer(c: Context<AppEnv>, id: string, run: () => Promise<string>) {
    const message = await orProblems(run());
    if (message instanceof PlanningError) return showBooking(c, deps, id, message.problems);
    return seeOther(c, `/planning/reservations/${id}?message=${message}`);
  }
}

function detailData(b: NonNullable<Awaited<ReturnType<typeof view.bookingDetail>>>) {
  return {
    state: stateOf(b),
    day: longDate(b.day),
    created: createdLabel(b.created_at),
    back: monthHref(view.monthOf(b.day)),
    cle: crypto.randomUUID(),
    offerUntil:
      b.status === "offered" && b.offer_expires_at
        ? parisDateTime(b.offer_expires_at).replace(" ", " à ")
        : null,
  };
}
