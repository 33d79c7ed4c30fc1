import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireParent } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import type { Trx } from "../../../db/database.ts";
import { readForm, uuidParam } from "../../../http/forms.ts";
import { page, pageOrPart, seeOther } from "../../../http/render.ts";
import { callerHousehold, callerScope, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isUuid } from "../../../lib/form-fields.ts";
import { type BookResult, book, type PlanningContext } from "../booking/booking-service.ts";
import { recordLockHold } from "../booking/lock-timings.ts";
import { PlanningError } from "../common/errors.ts";
import { dossierOf } from "./wizard-data.ts";
import { etablissementStep, planningStep, recapStep, usagerStep, type View } from "./wizard-pages.ts";
import { bodySource, recopyFrom, type Selection, selectionFrom } from "./wizard-query.ts";

const BASE = "/planning/reserver";
const PLANNING = "planning/wizard/planning";
const SELECTION = "planning/wizard/_selection";
/** The wizard's state is read field by field (`selectionFrom`): the schema takes the body as it is. */
const anyForm = z.object({}).loose();

/**
 * « Nouvelle réservation » (Sennecey, Séné): four GET steps that carry the selection in the
 * query (usager → établissement et période → planning → récapitulatif), then one POST that
 * books every day of every chosen child in one dossier, or none.
 */
export function planningWizardRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use(BASE, requireParent);
  app.use(`${BASE}/*`, requireParent);

  const inParent = parentRunner(deps);
  const show = async (c: Context<AppEnv>, fn: Step<View>) => {
    const v = await inParent(c, fn);
    return page(c, v.template, v.data, v.status);
  };
  const query = (c: Context<AppEnv>) => selectionFrom((name) => c.req.queries(name) ?? []);

  app.get(BASE, (c) => show(c, (trx, ctx) => usagerStep(trx, ctx, query(c))));
  app.get(`${BASE}/etablissement`, (c) => show(c, (trx, ctx) => etablissementStep(trx, ctx, query(c))));
  app.get(`${BASE}/planning`, async (c) => {
    const recopy = recopyFrom((name) => c.req.queries(name) ?? []);
    const v = await inParent(c, (trx, ctx) => planningStep(trx, ctx, query(c), { recopy }));
    // htmx asks for « Sélection en cours » alone as days are ticked; without it, the whole step.
    if (v.template === PLANNING && v.status === 200) return pageOrPart(c, PLANNING, SELECTION, v.data);
    return page(c, v.template, v.data, v.status);
  });
  app.get(`${BASE}/recapitulatif`, (c) => show(c, (trx, ctx) => recapStep(trx, ctx, query(c))));

  validateRoute(app, inParent, show);

  app.get(`${BASE}/confirmation/:id`, async (c) => {
    const id = uuidParam(c, "id");
    const dossier = await inParent(c, (trx) => dossierOf(trx, id));
    return page(c, "planning/wizard/confirmation", { ...dossier, heading: "Nouvelle réservation" });
  });
  return app;
}

type Step<T> = (trx: Trx, ctx: PlanningContext) => Promise<T>;

/** Runs a step in the parent's own RLS context, with the planning clock. */
function parentRunner(deps: Deps) {
  return <T>(c: Context<AppEnv>, fn: Step<T>) => {
    const ctx: PlanningContext = {
      tenant: c.get("tenant"),
      actor: { kind: "parent", userId: callerScope(c).userId },
      actorName: (c.get("session") as SessionUser).firstName,
      householdId: callerHousehold(c),
      now: deps.now(),
    };
    return inTransaction(c, deps.db, (trx) => fn(trx, ctx));
  };
}

type Runner = ReturnType<typeof parentRunner>;
type Show = (c: Context<AppEnv>, fn: Step<View>) => Promise<Response>;

/** « Valider »: the selection and its one-time key from the body; a refusal shows the planning again. */
function validateRoute(app: Hono<AppEnv>, inParent: Runner, show: Show) {
  app.post(`${BASE}/valider`, async (c) => {
    const read = bodySource((await readForm(c, anyForm, { all: true })).values);
    const sel = selectionFrom(read);
    const key = read("cle")[0] ?? "";
    if (!isUuid(key))
      return show(c, (trx, ctx) =>
        planningStep(trx, ctx, sel, {
          problems: [{ message: "Le formulaire a expiré : vérifiez votre sélection et validez à nouveau." }],
        }),
      );
    try {
      const result = await validate(sel, key, (fn) => inParent(c, fn));
      return seeOther(c, `${BASE}/confirmation/${result.dossierId}`);
    } catch (err) {
      if (!(err instanceof PlanningError)) throw err;
      return show(c, (trx, ctx) => planningStep(trx, ctx, sel, { problems: err.problems }));
    }
  });
}

type InParent = <T>(fn: Step<T>) => Promise<T>;

/**
 * book() in its own transaction (a refusal rolls every day back). Two clicks racing with
 * the same key: the loser hits the dossier's unique key, and its retry replays the winner.
 */
async function validate(sel: Selection, key: string, inParent: InParent) {
  const input = {
    periodId: sel.periodId ?? "",
    childIds: sel.childIds,
    days: sel.days,
    idempotencyKey: key,
  };
  if (!sel.periodId) throw new PlanningError([{ message: "Choisissez une période." }]);
  const timed = (result: BookResult) => {
    recordLockHold(result.lockedAt);
    return result;
  };
  try {
    return timed(await inParent((trx, ctx) => book(trx, ctx, input)));
  } catch (err) {
    if ((err as { code?: string }).code !== "23505") throw err;
    return timed(await inParent((trx, ctx) => book(trx, ctx, input)));
  }
}
