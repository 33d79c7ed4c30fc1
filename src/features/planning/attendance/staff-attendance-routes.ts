import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import type { Attendance } from "../../../db/planning-types.ts";
import { notFound } from "../../../http/errors.ts";
import { type FormValues, optionalUuidQuery, readForm, submitForm } from "../../../http/forms.ts";
import { eta, page, seeOther, wantsPart } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, longDate, parisToday } from "../../../lib/dates.ts";
import { isUuid, uuid } from "../../../lib/form-fields.ts";
import { ATTENDANCE_LABELS } from "../common/labels.ts";
import * as attendance from "./attendance-service.ts";

const BASE = "/planning/pointage";
const MARKS = Object.keys(ATTENDANCE_LABELS) as Attendance[];
const FLASH: Record<string, string> = {
  enregistre: "Le pointage a été enregistré.",
  ajoute: "L'enfant a été ajouté à la liste, pointé présent.",
};

/** The day of the query or form (none: today); anything but a date is not found. */
function dayOf(raw: string | undefined, now: Date): string {
  if (!raw) return parisToday(now);
  if (!isIsoDate(raw)) throw notFound();
  return raw;
}

/** The service and day every write names; a form that names none is not found. */
const target = z.object({ service: uuid(), jour: z.string().optional(), ligne: z.string().optional() });
const addForm = target.extend({ enfant: uuid(), q: z.string().optional() });

const listUrl = (serviceId: string, day: string, extra: Record<string, string> = {}) =>
  `/agents${BASE}?${new URLSearchParams({ service: serviceId, jour: day, ...extra })}`;

/** The attendance marks of the form: one radio group « etat_<booking id> » per child. */
function marksOf(body: FormValues, only?: string): Map<string, Attendance> {
  const marks = new Map<string, Attendance>();
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith("etat_")) continue;
    const id = key.slice(5);
    if (!isUuid(id) || !MARKS.includes(value as Attendance)) throw notFound();
    if (!only || id === only) marks.set(id, value as Attendance);
  }
  return marks;
}

type Extra = { addError?: string; q?: string };

/** The day's page: the list, the search for an unbooked child, and the add's error if any. */
async function show(
  c: Context<AppEnv>,
  deps: Deps,
  serviceId: string | null,
  day: string,
  extra: Extra = {},
) {
  const q = (extra.q ?? c.req.query("q") ?? "").trim().slice(0, 100);
  const [list, found] = await inTransaction(c, deps.db, async (trx) => [
    await attendance.dayList(trx, staffOf(c, deps), serviceId, day),
    q.length >= 2 ? await attendance.searchChildren(trx, q) : null,
  ]);
  const data = { ...list, q, found, longDay: longDate(day), labels: ATTENDANCE_LABELS, marks: MARKS };
  const flash = FLASH[c.req.query("ok") ?? ""];
  return page(
    c,
    "planning/staff/attendance",
    { ...data, flash, addError: extra.addError },
    extra.addError ? 422 : 200,
  );
}

const staffOf = (c: Context<AppEnv>, deps: Deps): attendance.Staff => ({
  tenant: c.get("tenant"),
  session: c.get("session") as SessionUser,
  now: deps.now(),
});

/** « Pointage » of a day and a service, its CSV for the canteen, and unbooked children. Mounted at /agents. */
export function planningStaffAttendanceRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use(BASE, requireStaff);
  app.use(`${BASE}/*`, requireStaff);
  app.use(`${BASE}.csv`, requireStaff);

  app.get(BASE, (c) =>
    show(c, deps, optionalUuidQuery(c, "service") ?? null, dayOf(c.req.query("jour"), deps.now())),
  );
  app.get(`${BASE}.csv`, async (c) => {
    const day = dayOf(c.req.query("jour"), deps.now());
    const serviceId = optionalUuidQuery(c, "service") ?? null;
    const file = await inTransaction(c, deps.db, (trx) =>
      attendance.dayCsv(trx, staffOf(c, deps), serviceId, day),
    );
    return c.body(file.body, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      "Cache-Control": "no-store",
    });
  });
  writeRoutes(app, deps);
  return app;
}

/** « Enregistrer le pointage » (the whole list, or one row in place) and « Ajouter » (an unbooked child, present). */
function writeRoutes(app: Hono<AppEnv>, deps: Deps) {
  app.post(BASE, async (c) => {
    const form = await readForm(c, target);
    if (!form.ok) throw notFound();
    const { service, ligne } = form.data;
    const day = dayOf(form.data.jour, deps.now());
    const one = wantsPart(c) && ligne && isUuid(ligne) ? ligne : undefined;
    const row = await inTransaction(c, deps.db, async (trx) => {
      await attendance.saveMarks(trx, staffOf(c, deps), service, day, marksOf(form.values, one));
      return one ? attendance.expectedChild(trx, service, day, one) : null;
    });
    if (!row) return seeOther(c, listUrl(service, day, { ok: "enregistre" }));
    const saved = `Pointage de ${row.firstName} ${row.lastName} enregistré : ${row.mark ? ATTENDANCE_LABELS[row.mark] : "non pointé"}.`;
    return c.html(
      eta.render("planning/staff/_attendance-row", {
        r: row,
        marks: MARKS,
        labels: ATTENDANCE_LABELS,
        saved,
      }),
    );
  });

  app.post(`${BASE}/ajouter`, (c) =>
    submitForm(c, addForm, {
      valid: async (data) => {
        const day = dayOf(data.jour, deps.now());
        await inTransaction(c, deps.db, (trx) =>
          attendance.addUnbooked(trx, staffOf(c, deps), data.service, day, data.enfant),
        );
        return seeOther(c, listUrl(data.service, day, { ok: "ajoute" }));
      },
      invalid: ({ values, errors }) => {
        if (!isUuid(values.service) || !isUuid(values.enfant)) throw notFound();
        const day = dayOf(values.jour, deps.now());
        return show(c, deps, values.service, day, { addError: Object.values(errors)[0], q: values.q ?? "" });
      },
    }),
  );
}
