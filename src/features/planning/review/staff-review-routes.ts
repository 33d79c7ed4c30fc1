import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireStaff } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import {
  addMonths,
  isIsoDate,
  longDate,
  monthLabel,
  parisDateTime,
  parisToday,
  parseMonth,
} from "../../../lib/dates.ts";
import type { Actor } from "../../audit/service.ts";
import { allPeriods } from "../offer/period-service.ts";
import * as occupancy from "./occupancy-view.ts";
import * as review from "./review-service.ts";

const MESSAGES: Record<string, string> = {
  acceptees: "Les demandes choisies sont acceptées. Les familles sont prévenues par e-mail.",
  refusees:
    "Les demandes choisies sont refusées. Les places libérées vont à la liste d'attente et les familles sont prévenues par e-mail.",
  "place-attribuee": "La place libre est allée au premier de la liste d'attente, prévenu par e-mail.",
  "aucune-place": "Aucune place n'a été attribuée : le jour est complet ou la liste d'attente est vide.",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNone = (v: unknown) => (typeof v === "string" && UUID.test(v) ? v : undefined);

function staff(c: Context<AppEnv>) {
  const userId = (c.get("session") as SessionUser).userId;
  const actor: Actor = { kind: "staff", userId };
  return { ctx: { role: "app_staff" as const, tenantId: c.get("tenant").id, userId }, actor };
}

/** What the queue page shows besides the list: a refusal without reason, an empty selection, a conflict. */
interface Feedback {
  origin?: string;
  field?: string;
  error?: string;
  reason?: string;
  selected?: string[];
  conflict?: string;
}

async function queuePage(
  deps: Deps,
  c: Context<AppEnv>,
  filters: review.QueueFilters,
  feedback: Feedback = {},
  status: ContentfulStatusCode = 200,
) {
  const data = await deps.db.withTenant(staff(c).ctx, async (trx) => ({
    groups: await review.pendingQueue(trx, filters),
    services: await occupancy.services(trx),
    periods: (await allPeriods(trx)).map((p) => ({ id: p.id, label: `${p.service.name} › ${p.name}` })),
  }));
  const groups = data.groups.map((g) => ({
    ...g,
    created: parisDateTime(g.created),
    field: g.kind === "booking" ? "reservations" : "annulations",
    items: g.items.map((i) => ({ ...i, label: longDate(i.day) })),
  }));
  const message = MESSAGES[c.req.query("message") ?? ""];
  return page(
    c,
    "planning/staff/review",
    { ...data, groups, filters, feedback, selected: new Set(feedback.selected ?? []), message },
    status,
  );
}

/** The decision form: repeated ids, « accepter » or « refuser », the reason, where it was sent from. */
function decisionForm(body: Record<string, unknown>) {
  const all = (name: string) => {
    const v = body[name];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
      (x): x is string => typeof x === "string",
    );
  };
  const bookings = all("reservations");
  const cancellations = all("annulations");
  if (![...bookings, ...cancellations].every((id) => UUID.test(id))) throw notFound();
  const reason = typeof body.motif === "string" ? body.motif.trim() : "";
  return {
    bookings,
    cancellations,
    accept: body.decision === "accepter",
    reason,
    origin: typeof body.origine === "string" ? body.origine : "selection",
    filters: { serviceId: uuidOrNone(body.service), periodId: uuidOrNone(body.periode) },
  };
}

function invalid(form: ReturnType<typeof decisionForm>): { field: string; error: string } | null {
  if (form.bookings.length + form.cancellations.length === 0)
    return { field: "selection", error: "Cochez au moins un jour avant de décider." };
  if (form.accept) return null;
  if (!form.reason)
    return { field: "motif", error: "Indiquez le motif du refus : il est envoyé à la famille." };
  if (form.reason.length > 500)
    return { field: "motif", error: "Le motif ne doit pas dépasser 500 caractères." };
  return null;
}

function filterQuery(filters: review.QueueFilters, extra: Record<string, string> = {}) {
  const q = new URLSearchParams(extra);
  if (filters.serviceId) q.set("service", filters.serviceId);
  if (filters.periodId) q.set("periode", filters.periodId);
  return q.toString();
}

function reviewRoutes(deps: Deps, app: Hono<AppEnv>) {
  app.get("/planning/demandes", requireStaff, (c) =>
    queuePage(deps, c, {
      serviceId: uuidOrNone(c.req.query("service")),
      periodId: uuidOrNone(c.req.query("periode")),
    }),
  );

  app.post("/planning/demandes", requireStaff, (c) => decide(deps, c));
}

/** One decision for every day sent (a dossier's form or the selection), all or nothing. */
async function decide(deps: Deps, c: Context<AppEnv>) {
  const form = decisionForm(await c.req.parseBody({ all: true }));
  const problem = invalid(form);
  const selected = form.origin === "selection" ? [...form.bookings, ...form.cancellations] : [];
  if (problem)
    return queuePage(
      deps,
      c,
      form.filters,
      { origin: form.origin, ...problem, reason: form.reason, selected },
      422,
    );
  const { ctx, actor } = staff(c);
  const decision: review.Decision = form.accept ? { accept: true } : { accept: false, reason: form.reason };
  try {
    await deps.db.withTenant(ctx, async (trx) => {
      if (form.bookings.length)
        await review.decideBookings(trx, c.get("tenant"), actor, form.bookings, decision);
      if (form.cancellations.length)
        await review.decideCancellations(trx, c.get("tenant"), actor, form.cancellations, decision);
    });
  } catch (e) {
    if (e instanceof AppError && e.status === 409)
      return queuePage(deps, c, form.filters, { conflict: e.message }, 409);
    throw e;
  }
  const message = form.accept ? "acceptees" : "refusees";
  return seeOther(c, `/agents/planning/demandes?${filterQuery(form.filters, { message })}`);
}

/** « Occupation des accueils »: a service's month, day by day (default: first service, this month). */
async function monthPage(deps: Deps, c: Context<AppEnv>) {
  const month = parseMonth(c.req.query("mois")) ?? parisToday(deps.now()).slice(0, 7);
  const asked = c.req.query("service");
  if (asked !== undefined && !uuidOrNone(asked)) throw notFound();
  const data = await deps.db.withTenant(staff(c).ctx, async (trx) => {
    const list = await occupancy.services(trx);
    const serviceId = asked ?? list[0]?.id;
    const view = serviceId ? await occupancy.monthOccupancy(trx, c.get("tenant"), serviceId, month) : null;
    return { services: list, serviceId, view };
  });
  const nav = (n: number) =>
    `/agents/planning/occupation?service=${data.serviceId}&mois=${addMonths(month, n)}`;
  return page(c, "planning/staff/occupancy", {
    ...data,
    month,
    monthLabel: monthLabel(month),
    previous: nav(-1),
    next: nav(1),
  });
}

function occupancyRoutes(deps: Deps, app: Hono<AppEnv>) {
  app.get("/planning/occupation", requireStaff, (c) => monthPage(deps, c));

  app.get("/planning/occupation/jour", requireStaff, async (c) => {
    const periodId = uuidOrNone(c.req.query("periode"));
    const day = c.req.query("jour");
    if (!periodId || !isIsoDate(day)) throw notFound();
    const detail = await deps.db.withTenant(staff(c).ctx, (trx) =>
      occupancy.dayDetail(trx, c.get("tenant"), periodId, day),
    );
    const message = MESSAGES[c.req.query("message") ?? ""];
    return page(c, "planning/staff/occupancy-day", { ...detail, day, dayLabel: longDate(day), message });
  });

  app.post("/planning/occupation/jour", requireStaff, async (c) => {
    const body = await c.req.parseBody();
    const periodId = uuidOrNone(body.periode);
    const day = body.jour;
    if (!periodId || !isIsoDate(day)) throw notFound();
    const served = await deps.db.withTenant(staff(c).ctx, (trx) =>
      occupancy.serveWaiting(trx, c.get("tenant"), periodId, day),
    );
    const message = served > 0 ? "place-attribuee" : "aucune-place";
    return seeOther(c, `/agents/planning/occupation/jour?periode=${periodId}&jour=${day}&message=${message}`);
  });
}

/** Staff: « Réservations à traiter » (accept / refuse, one by one or in bulk) and « Occupation ». */
export function planningStaffReviewRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  reviewRoutes(deps, app);
  occupancyRoutes(deps, app);
  return app;
}
