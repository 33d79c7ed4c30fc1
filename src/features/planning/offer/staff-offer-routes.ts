import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireStaff, requireStaffAdmin } from "../../../auth/middleware.ts";
import type { Trx } from "../../../db/database.ts";
import { notFound } from "../../../http/errors.ts";
import { readForm, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { callerScope, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { longDate, shortDate } from "../../../lib/dates.ts";
import { LEVELS } from "../../../tenancy/planning-schema.ts";
import * as offerAdmin from "./offer-admin-service.ts";
import {
  closureFormSchema,
  parseOffer,
  periodFormSchema,
  type RawForm,
  serviceFormSchema,
} from "./offer-schemas.ts";

const BASE = "/planning/offre";
const FLASH: Record<string, string> = {
  service: "Les règles du service ont été enregistrées.",
  periode: "La période a été enregistrée.",
  creee: "La période a été créée.",
  fermeture: "Les fermetures de la période ont été mises à jour.",
};
const WEEKDAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];
const common = { levels: LEVELS, weekdayNames: WEEKDAYS, longDate, shortDate };

/** The form as sent: one string per field, an array for repeated ones (weekdays, levels). */
async function rawForm(c: Context<AppEnv>): Promise<RawForm> {
  return (await readForm(c, z.unknown(), { all: true })).values;
}

/** The closure to remove: its first and last day, as listed. */
const REMOVED = z.object({ from: z.string(), to: z.string() });

type Errors = Record<string, string>;

/** The town's offer, edited by its admin staff only. Mounted at /agents. */
export function planningStaffOfferRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const admin: AdminOf = (c, work) =>
    inTransaction(c, deps.db, (trx) =>
      work(trx, { tenant: c.get("tenant"), userId: callerScope(c).userId, now: deps.now() }),
    );
  const flash = (c: Context<AppEnv>) => FLASH[c.req.query("ok") ?? ""];
  for (const path of [BASE, `${BASE}/*`]) app.use(path, requireStaff, requireStaffAdmin);

  app.get(BASE, async (c) =>
    page(c, "planning/staff/offer", {
      ...common,
      facilities: await admin(c, offerAdmin.listOffer),
      flash: flash(c),
    }),
  );

  serviceRoutes(app, admin, flash);

  const showPeriod = async (c: Context<AppEnv>, input?: { values: RawForm; errors: Errors }) => {
    const data = await admin(c, (trx) => offerAdmin.periodForm(trx, uuidParam(c, "id")));
    const shown = { ...data, ...common, values: input?.values ?? data.values, errors: input?.errors ?? {} };
    return page(c, "planning/staff/offer-period", { ...shown, flash: flash(c) }, input ? 422 : 200);
  };
  app.get(`${BASE}/periodes/:id`, (c) => showPeriod(c));
  app.post(`${BASE}/periodes/:id`, async (c) => {
    const values = await rawForm(c);
    const form = parseOffer(periodFormSchema, values);
    const done = form.ok
      ? await admin(c, (trx, a) => offerAdmin.updatePeriod(trx, a, uuidParam(c, "id"), form.data))
      : form;
    if (!done.ok) return showPeriod(c, { values, errors: done.errors });
    return seeOther(c, `/agents${BASE}/periodes/${done.id}?ok=periode`);
  });

  closureRoutes(app, admin, showPeriod);
  newPeriodRoutes(app, admin);
  return app;
}

/** Runs the offer's service in the request's transaction, as the admin signed in. */
type AdminOf = <T>(c: Context<AppEnv>, work: (trx: Trx, a: offerAdmin.Admin) => Promise<T>) => Promise<T>;
type ShowPeriod = (c: Context<AppEnv>, input?: { values: RawForm; errors: Errors }) => Promise<Response>;

/** A service's rules and eligibility. */
function serviceRoutes(app: Hono<AppEnv>, admin: AdminOf, flash: (c: Context<AppEnv>) => string | undefined) {
  const showService = async (c: Context<AppEnv>, input?: { values: RawForm; errors: Errors }) => {
    const data = await admin(c, (trx) => offerAdmin.serviceForm(trx, uuidParam(c, "id")));
    const shown = { ...data, ...common, values: input?.values ?? data.values, errors: input?.errors ?? {} };
    return page(c, "planning/staff/offer-service", { ...shown, flash: flash(c) }, input ? 422 : 200);
  };
  app.get(`${BASE}/services/:id`, (c) => showService(c));
  app.post(`${BASE}/services/:id`, async (c) => {
    const values = await rawForm(c);
    const form = parseOffer(serviceFormSchema, values);
    const done = form.ok
      ? await admin(c, (trx, a) => offerAdmin.updateService(trx, a, uuidParam(c, "id"), form.data))
      : form;
    if (!done.ok) return showService(c, { values, errors: done.errors });
    return seeOther(c, `/agents${BASE}/services/${done.id}?ok=service`);
  });
}

/** « Ajouter une fermeture » and « Supprimer » on a period's page. */
function closureRoutes(app: Hono<AppEnv>, admin: AdminOf, showPeriod: ShowPeriod) {
  app.post(`${BASE}/periodes/:id/fermetures`, async (c) => {
    const id = uuidParam(c, "id");
    const values = await rawForm(c);
    const form = parseOffer(closureFormSchema, values);
    if (!form.ok) {
      // The closure's fields (from, to, label) are apart from the period's own form.
      const current = await admin(c, (trx) => offerAdmin.periodForm(trx, id));
      return showPeriod(c, { values: { ...current.values, ...values }, errors: form.errors });
    }
    await admin(c, (trx, a) => offerAdmin.changeClosures(trx, a, id, (list) => [...list, form.data]));
    return seeOther(c, `/agents${BASE}/periodes/${id}?ok=fermeture`);
  });
  app.post(`${BASE}/periodes/:id/fermetures/supprimer`, async (c) => {
    const id = uuidParam(c, "id");
    const form = await readForm(c, REMOVED);
    const { from, to } = form.ok ? form.data : { from: "", to: "" };
    await admin(c, (trx, a) =>
      offerAdmin.changeClosures(trx, a, id, (list) => {
        const kept = list.filter((x) => x.from !== from || x.to !== to);
        if (kept.length === list.length) throw notFound();
        return kept;
      }),
    );
    return seeOther(c, `/agents${BASE}/periodes/${id}?ok=fermeture`);
  });
}

/** « Nouvelle période » of a service. */
function newPeriodRoutes(app: Hono<AppEnv>, admin: AdminOf) {
  const show = async (c: Context<AppEnv>, input?: { values: RawForm; errors: Errors }) => {
    const data = await admin(c, (trx) => offerAdmin.newPeriodForm(trx, uuidParam(c, "id")));
    const shown = { ...data, ...common, values: input?.values ?? data.values, errors: input?.errors ?? {} };
    return page(c, "planning/staff/offer-period", { ...shown, isNew: true }, input ? 422 : 200);
  };
  app.get(`${BASE}/services/:id/periodes/nouvelle`, (c) => show(c));
  app.post(`${BASE}/services/:id/periodes/nouvelle`, async (c) => {
    const values = await rawForm(c);
    const form = parseOffer(periodFormSchema, values);
    if (!form.ok) return show(c, { values, errors: form.errors });
    const id = await admin(c, (trx, a) => offerAdmin.createPeriod(trx, a, uuidParam(c, "id"), form.data));
    return seeOther(c, `/agents${BASE}/periodes/${id}?ok=creee`);
  });
}
