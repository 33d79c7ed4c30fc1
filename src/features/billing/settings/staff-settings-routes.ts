import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireStaff, requireStaffAdmin } from "../../../auth/middleware.ts";
import type { Trx } from "../../../db/database.ts";
import { readForm, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { callerScope, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { longDate } from "../../../lib/dates.ts";
import { euros } from "../pricing/pricing.ts";
import { type Errors, MAX_BRACKETS, parseRegie, type RawForm } from "./settings-schemas.ts";
import * as settings from "./settings-service.ts";

const REGIES = "/facturation/regies";
const TARIFS = "/facturation/tarifs";
const FLASH: Record<string, string> = {
  regie: "La régie a été enregistrée.",
  tarif: "Le tarif a été enregistré.",
};
const common = { euros, longDate, maxBrackets: MAX_BRACKETS };
type Input = { values: RawForm; errors: Errors; status?: 409 | 422 };

/** The form as sent, one string per field and a list for repeated ones (services): settings-schemas.ts reads it. */
async function rawForm(c: Context<AppEnv>): Promise<RawForm> {
  return (await readForm(c, z.unknown(), { all: true })).values;
}

/** Régies and tariffs, edited by the town's admin staff only. Mounted at /agents. */
export function billingStaffSettingsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  for (const path of [REGIES, `${REGIES}/*`, TARIFS, `${TARIFS}/*`])
    app.use(path, requireStaff, requireStaffAdmin);
  const admin: AdminOf = (c, fn) =>
    inTransaction(c, deps.db, (trx) => fn(trx, { tenant: c.get("tenant"), userId: callerScope(c).userId }));
  const flash = (c: Context<AppEnv>) => FLASH[c.req.query("ok") ?? ""];

  app.get(REGIES, async (c) =>
    page(c, "billing/settings/regies", { regies: await admin(c, settings.listRegies), flash: flash(c) }),
  );
  app.get(TARIFS, async (c) =>
    page(c, "billing/settings/tariffs", {
      ...common,
      services: await admin(c, settings.listTariffs),
      flash: flash(c),
    }),
  );
  regieRoutes(app, admin);
  tariffRoutes(app, admin);
  return app;
}

/** Runs a settings service in the request's transaction, as the signed-in admin. */
type AdminOf = <T>(c: Context<AppEnv>, fn: (trx: Trx, a: settings.Admin) => Promise<T>) => Promise<T>;

/** « Nouvelle régie » and a régie's form. */
function regieRoutes(app: Hono<AppEnv>, admin: AdminOf) {
  const show = async (c: Context<AppEnv>, id: string | null, input?: Input) => {
    const data = await admin(c, (trx) => settings.regieForm(trx, id));
    const shown = { ...data, values: input?.values ?? data.values, errors: input?.errors ?? {} };
    return page(c, "billing/settings/regie", shown, input ? 422 : 200);
  };
  const save = async (c: Context<AppEnv>, id: string | null) => {
    const values = await rawForm(c);
    const form = parseRegie(values);
    const done = form.ok ? await admin(c, (trx, a) => settings.saveRegie(trx, a, id, form.data)) : form;
    if (!done.ok) return show(c, id, { values, errors: done.errors });
    return seeOther(c, `/agents${REGIES}?ok=regie`);
  };
  app.get(`${REGIES}/nouvelle`, (c) => show(c, null));
  app.post(`${REGIES}/nouvelle`, (c) => save(c, null));
  app.get(`${REGIES}/:id`, (c) => show(c, uuidParam(c, "id")));
  app.post(`${REGIES}/:id`, (c) => save(c, uuidParam(c, "id")));
}

/** « Ajouter un tarif » to a service, and a tariff's form (read-only once invoices used it). */
function tariffRoutes(app: Hono<AppEnv>, admin: AdminOf) {
  const showNew = async (c: Context<AppEnv>, input?: Input) => {
    const data = await admin(c, (trx) => settings.newTariffForm(trx, uuidParam(c, "id")));
    const shown = { ...common, ...data, values: input?.values ?? data.values, errors: input?.errors ?? {} };
    return page(c, "billing/settings/tariff", { ...shown, tariff: null }, input ? 422 : 200);
  };
  app.get(`${TARIFS}/services/:id/nouveau`, (c) => showNew(c));
  app.post(`${TARIFS}/services/:id/nouveau`, async (c) => {
    const values = await rawForm(c);
    const done = await admin(c, (trx, a) => settings.createTariff(trx, a, uuidParam(c, "id"), values));
    if (!done.ok) return showNew(c, { values, errors: done.errors });
    return seeOther(c, `/agents${TARIFS}?ok=tarif`);
  });

  const show = async (c: Context<AppEnv>, input?: Input) => {
    const data = await admin(c, (trx) => settings.tariffForm(trx, uuidParam(c, "id")));
    const shown = { ...common, ...data, values: input?.values ?? data.values, errors: input?.errors ?? {} };
    return page(
      c,
      "billing/settings/tariff",
      { ...shown, locked: settings.LOCKED_MESSAGE },
      input?.status ?? 200,
    );
  };
  app.get(`${TARIFS}/:id`, (c) => show(c));
  app.post(`${TARIFS}/:id`, async (c) => {
    const values = await rawForm(c);
    const done = await admin(c, (trx, a) => settings.updateTariff(trx, a, uuidParam(c, "id"), values));
    if (!done.ok) return show(c, { values, errors: done.errors, status: done.locked ? 409 : 422 });
    return seeOther(c, `/agents${TARIFS}?ok=tarif`);
  });
}
