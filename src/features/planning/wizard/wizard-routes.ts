import { type Context, Hono } from "hono";
import { requireParent } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import type { Trx } from "../../../db/database.ts";
import { uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { type BookResult, book, type PlanningContext } from "../booking/booking-service.ts";
import { recordLockHold } from "../booking/lock-timings.ts";
import { PlanningError } from "../shared/errors.ts";
import { dossierOf } from "./wizard-data.ts";
import { etablissementStep, planningStep, recapStep, usagerStep, type View } from "./wizard-pages.ts";
import { bodySource, isUuid, recopyFrom, type Selection, selectionFrom } from "./wizard-query.ts";

const BASE = "/planning/reserver";

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
  app.get(`${BASE}/planning`, (c) => {
    const recopy = recopyFrom((name) => c.req.queries(name) ?? []);
    return show(c, (trx, ctx) => planningStep(trx, ctx, query(c), { recopy }));
  });
  app.get(`${BASE}/recapitulatif`, (c) => show(c, (trx, ctx) => recapStep(trx, ctx, query(c))));

  app.post(`${BASE}/valider`, async (c) => {
    const read = bodySource(await c.req.parseBody({ all: true }));
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
    const tenant = c.get("tenant");
    const s = c.get("session") as SessionUser;
    const householdId = s.householdId as string;
    const ctx: PlanningContext = {
      tenant,
      actor: { kind: "parent", userId: s.userId },
      actorName: s.firstName,
      householdId,
      now: deps.now(),
    };
    return deps.db.withTenant(
      { role: "app_parent", tenantId: tenant.id, userId: s.userId, householdId },
      (trx) => fn(trx, ctx),
    );
  };
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
