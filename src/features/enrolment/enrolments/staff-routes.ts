import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { callerScope, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { parisDateTime, shortDate } from "../../../lib/dates.ts";
import { isUuid } from "../../../lib/form-fields.ts";
import { allPeriods } from "../../planning/offer/period-service.ts";
import * as decisions from "./decision-service.ts";
import { patternLabel } from "./pattern-label.ts";
import * as staffQueue from "./staff-queue.ts";

const MESSAGES: Record<string, string> = {
  acceptees:
    "Les inscriptions choisies sont traitées : les jours réservés sont dans les plannings, les familles prévenues par e-mail.",
  refusees: "Les inscriptions choisies sont refusées. Les familles sont prévenues par e-mail, avec le motif.",
  attente: "Les inscriptions choisies sont sur liste d'attente. Les familles sont prévenues par e-mail.",
  servie: "La liste d'attente a été servie dans l'ordre d'arrivée, autant que les places le permettent.",
};

const uuidOrNone = (v: unknown) => (isUuid(v) ? v : undefined);

type Feedback = { field?: string; error?: string; reason?: string; selected?: string[] };

/** A staff member's decisions: the request's transaction, who acts (and their name, in e-mails), when. */
function asDecider<T>(deps: Deps, c: Context<AppEnv>, fn: (trx: Trx, ctx: decisions.StaffCtx) => Promise<T>) {
  const s = c.get("session") as SessionUser;
  const ctx: decisions.StaffCtx = {
    tenant: c.get("tenant"),
    actor: { kind: "staff", userId: callerScope(c).userId },
    actorName: `${s.firstName}`,
    now: deps.now(),
  };
  return inTransaction(c, deps.db, (trx) => fn(trx, ctx));
}

async function queuePage(
  deps: Deps,
  c: Context<AppEnv>,
  periodId: string | undefined,
  feedback: Feedback = {},
  status: ContentfulStatusCode = 200,
) {
  const data = await inTransaction(c, deps.db, async (trx) => ({
    rows: await staffQueue.rows(trx, c.get("tenant"), periodId),
    periods: (await allPeriods(trx)).map((p) => ({ id: p.id, label: `${p.service.name} › ${p.name}` })),
  }));
  const rows = data.rows.map((r) => ({
    ...r,
    pattern: patternLabel(r),
    dates: `du ${shortDate(r.starts_on)} au ${shortDate(r.ends_on)}`,
    created: parisDateTime(r.created_at),
  }));
  const selected = new Set(feedback.selected ?? []);
  const message = MESSAGES[c.req.query("message") ?? ""];
  return page(c, "enrolment/staff-queue", { ...data, rows, periodId, feedback, selected, message }, status);
}

/** The enrolments ticked, accepted, refused with a reason, or put on the waiting list. */
async function decide(deps: Deps, c: Context<AppEnv>) {
  const { values: body } = await readForm(c, z.object({}), { all: true });
  const ids = ([] as string[]).concat(body.inscriptions ?? []);
  if (!ids.every(isUuid)) throw notFound();
  const periodId = uuidOrNone(body.periode);
  const reason = typeof body.motif === "string" ? body.motif.trim() : "";
  const kind = body.decision === "refuser" ? "refuse" : body.decision === "attente" ? "wait" : "accept";
  const problem = staffQueue.invalid(ids, kind, reason);
  if (problem) return queuePage(deps, c, periodId, { ...problem, reason, selected: ids }, 422);
  const decision: decisions.Decision = kind === "refuse" ? { kind, reason } : { kind };
  await asDecider(deps, c, (trx, ctx) => decisions.decide(trx, ctx, ids, decision));
  const done = { accept: "acceptees", refuse: "refusees", wait: "attente" }[kind];
  return seeOther(c, `/agents/inscriptions?message=${done}${periodId ? `&periode=${periodId}` : ""}`);
}

/** « Inscriptions à traiter » (mounted at /agents): by period, accept, refuse or wait, in bulk. */
export function enrolmentStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/inscriptions", requireStaff);
  app.use("/inscriptions/*", requireStaff);
  app.get("/inscriptions", (c) => queuePage(deps, c, uuidOrNone(c.req.query("periode"))));
  app.post("/inscriptions", (c) => decide(deps, c));
  app.post("/inscriptions/liste-attente", async (c) => {
    const { values: body } = await readForm(c, z.object({}));
    const periodId = uuidOrNone(body.periode);
    if (!periodId) throw notFound();
    await asDecider(deps, c, (trx, ctx) => decisions.serveWaiting(trx, ctx, periodId));
    return seeOther(c, `/agents/inscriptions?message=servie&periode=${periodId}`);
  });
  return app;
}
