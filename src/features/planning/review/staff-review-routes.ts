import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { callerScope, inTransaction } from "../../../http/scope.ts";
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
import { isUuid, many, trimmed, uuid } from "../../../lib/form-fields.ts";
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

const uuidOrNone = (v: unknown) => (isUuid(v) ? v : undefined);

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
  const data = await inTransaction(c, deps.db, async (trx) => ({
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
const DECISION = z.object({
  reservations: many(z.string()),
  annulations: many(z.string()),
  decision: z.unknown().optional(),
  motif: z.preprocess(trimmed, z.string()),
  origine: z.unknown().optional(),
  service: z.unknown().optional(),
  periode: z.unknown().optional(),
});

/** The decision as sent; an id that is not a UUID is not found. */
async function decisionForm(c: Context<AppEnv>) {
  const form = await readForm(c, DECISION, { all: true });
  if (!form.ok) throw notFound();
  const { reservations: bookings, annulations: cancellations, motif: reason, ...rest } = form.data;
  if (![...bookings, ...cancellations].every(isUuid)) throw notFound();
  return {
    bookings,
    cancellations,
    accept: rest.decision === "accepter",
    reason,
    origin: typeof rest.origine === "string" ? rest.origine : "selection",
    filters: { serviceId: uuidOrNone(rest.service), periodId: uuidOrNone(rest.periode) },
  };
}

type DecisionForm = Awaited<ReturnType<typeof decisionForm>>;

function invalid(form: DecisionForm): { field: string; error: string } | null {
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
  const form = await decisionForm(c);
  const problem = invalid(form);
  const selected = form.origin === "selection" ? [...form.bookings, ...form.cancellations] : [];
  if (problem) {
    const feedback = { origin: form.origin, ...problem, reason: form.reason, selected };
    return queuePage(deps, c, form.filters, feedback, 422);
  }
  const conflict = await applyDecision(deps, c, form).catch((e: unknown) => {
    if (e instanceof AppError && e.status === 409) return e;
    throw e;
  });
  if (conflict) return queuePage(deps, c, form.filters, { conflict: conflict.message }, 409);
  const message = form.accept ? "acceptees" : "refusees";
  return seeOther(c, `/agents/planning/demandes?${filterQuery(form.filters, { message })}`);
}

/** Applies the decision to the bookings and the cancellation requests, in one transaction. */
function applyDecision(deps: Deps, c: Context<AppEnv>, form: DecisionForm): Promise<undefined> {
  const actor: Actor = { kind: "staff", userId: callerScope(c).userId };
  const decision: review.Decision = form.accept ? { accept: true } : { accept: false, reason: form.reason };
  return inTransaction(c, deps.db, async (trx) => {
    await review.decide(trx, c.get("tenant"), actor, form, decision);
    return undefined;
  });
}

/** « Occupation des accueils »: a service's month, day by day (default: first service, this month). */
async function monthPage(deps: Deps, c: Context<AppEnv>) {
  const month = parseMonth(c.req.query("mois")) ?? parisToday(deps.now()).slice(0, 7);
  const asked = c.req.query("service");
  if (asked !== undefined && !uuidOrNone(asked)) throw notFound();
  const data = await inTransaction(c, deps.db, async (trx) => {
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

/** « Attribuer la place libre »: the period and the day of the occupancy page. */
const SERVE = z.object({ periode: uuid(), jour: z.string().refine(isIsoDate) });

function occupancyRoutes(deps: Deps, app: Hono<AppEnv>) {
  app.get("/planning/occupation", requireStaff, (c) => monthPage(deps, c));

  app.get("/planning/occupation/jour", requireStaff, async (c) => {
    const periodId = uuidOrNone(c.req.query("periode"));
    const day = c.req.query("jour");
    if (!periodId || !isIsoDate(day)) throw notFound();
    const detail = await inTransaction(c, deps.db, (trx) =>
      occupancy.dayDetail(trx, c.get("tenant"), periodId, day),
    );
    const message = MESSAGES[c.req.query("message") ?? ""];
    return page(c, "planning/staff/occupancy-day", { ...detail, day, dayLabel: longDate(day), message });
  });

  app.post("/planning/occupation/jour", requireStaff, async (c) => {
    const form = await readForm(c, SERVE);
    if (!form.ok) throw notFound();
    const { periode: periodId, jour: day } = form.data;
    const served = await inTransaction(c, deps.db, (trx) =>
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
