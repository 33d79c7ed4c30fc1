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

/** The message of the change just saved (`?ok=`), if any. */
const flashed = (c: Context<AppEnv>) => ({ flash: FLASH[c.req.query("ok") ?? ""] });

/** The town's offer, edited by its admin staff only. Mounted at /agents. */
export function planningStaffOfferRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const admin: AdminOf = (c, work) =>
    inTransaction(c, deps.db, (trx) =>
      work(trx, { tenant: c.get("tenant"), userId: callerScope(c).userId, now: deps.now() }),
    );
  for (const path of [BASE, `${BASE}/*`]) app.use(path, requireStaff, requireStaffAdmin);

  app.get(BASE, async (c) =>
    page(c, "planning/staff/offer", {
      ...common,
      facilities: await admin(c, offerAdmin.listOffer),
      ...flashed(c),
    }),
  );

  const showService = formPage(admin, "planning/staff/offer-service", offerAdmin.serviceForm, flashed);
  const showPeriod = formPage(admin, "planning/staff/offer-period", offerAdmin.periodForm, flashed);
  editRoutes(app, admin, "services", {
    show: showService,
    schema: serviceFormSchema,
    save: offerAdmin.updateService,
    ok: "service",
  });
  editRoutes(app, admin, "periodes", {
    show: showPeriod,
    schema: periodFormSchema,
    save: offerAdmin.updatePeriod,
    ok: "periode",
  });
  closureRoutes(app, admin, showPeriod);
  newPeriodRoutes(app, admin);
  return app;
}

/** Runs the offer's service in the request's transaction, as the admin signed in. */
type AdminOf = <T>(c: Context<AppEnv>, work: (trx: Trx, a: offerAdmin.Admin) => Promise<T>) => Promise<T>;
/** A form page: as saved, or with the values typed and their errors (422). */
type Show = (c: Context<AppEnv>, input?: { values: RawForm; errors: Errors }) => Promise<Response>;

/** The page of a form of the offer, for the `:id` of the path. */
function formPage<D extends { values: unknown }>(
  admin: AdminOf,
  view: string,
  load: (trx: Trx, id: string) => Promise<D>,
  extra: (c: Context<AppEnv>) => Record<string, unknown>,
): Show {
  return async (c, input) => {
    const data = await admin(c, (trx) => load(trx, uuidParam(c, "id")));
    const shown = { ...data, ...common, values: input?.values ?? data.values, errors: input?.errors ?? {} };
    return page(c, view, { ...shown, ...extra(c) }, input ? 422 : 200);
  };
}

/** A service's rules or a period, at `${BASE}/${path}/:id`: shown, then saved (303 with its flash). */
function editRoutes<S extends z.ZodType>(
  app: Hono<AppEnv>,
  admin: AdminOf,
  path: string,
  form: {
    show: Show;
    schema: S;
    save: (trx: Trx, a: offerAdmin.Admin, id: string, data: z.infer<S>) => Promise<offerAdmin.Outcome>;
    ok: string;
  },
) {
  app.get(`${BASE}/${path}/:id`, (c) => form.show(c));
  app.post(`${BASE}/${path}/:id`, async (c) => {
    const values = await rawForm(c);
    const parsed = parseOffer(form.schema, values);
    const done = parsed.ok
      ? await admin(c, (trx, a) => form.save(trx, a, uuidParam(c, "id"), parsed.data))
      : parsed;
    if (!done.ok) return form.show(c, { values, errors: done.errors });
    return seeOther(c, `/agents${BASE}/${path}/${done.id}?ok=${form.ok}`);
  });
}

/** « Ajouter une fermeture » and « Supprimer » on a period's page. */
function closureRoutes(app: Hono<AppEnv>, admin: AdminOf, showPeriod: Show) {
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
  const show = formPage(admin, "planning/staff/offer-period", offerAdmin.newPeriodForm, () => ({
    isNew: true,
  }));
  app.get(`${BASE}/services/:id/periodes/nouvelle`, (c) => show(c));
  app.post(`${BASE}/services/:id/periodes/nouvelle`, async (c) => {
    const values = await rawForm(c);
    const form = parseOffer(periodFormSchema, values);
    if (!form.ok) return show(c, { values, errors: form.errors });
    const id = await admin(c, (trx, a) => offerAdmin.createPeriod(trx, a, uuidParam(c, "id"), form.data));
    return seeOther(c, `/agents${BASE}/periodes/${id}?ok=creee`);
  });
}
