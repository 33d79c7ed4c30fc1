import { type Context, Hono } from "hono";
import { requireStaff } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import type { Attendance } from "../../../db/planning-types.ts";
import { notFound } from "../../../http/errors.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, longDate, parisToday } from "../../../lib/dates.ts";
import { PlanningError } from "../shared/errors.ts";
import { ATTENDANCE_LABELS } from "../shared/labels.ts";
import * as attendance from "./attendance-service.ts";

const BASE = "/planning/pointage";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MARKS = Object.keys(ATTENDANCE_LABELS) as Attendance[];
const FLASH: Record<string, string> = {
  enregistre: "Le pointage a été enregistré.",
  ajoute: "L'enfant a été ajouté à la liste, pointé présent.",
};

/** A service id from the query or form (none: the first service); anything else is not found. */
function serviceOf(raw: string | undefined): string | null {
  if (!raw) return null;
  if (!UUID.test(raw)) throw notFound();
  return raw;
}

function dayOf(raw: string | undefined, now: Date): string {
  if (!raw) return parisToday(now);
  if (!isIsoDate(raw)) throw notFound();
  return raw;
}

const listUrl = (serviceId: string, day: string, extra: Record<string, string> = {}) =>
  `/agents${BASE}?${new URLSearchParams({ service: serviceId, jour: day, ...extra })}`;

/** The attendance marks of the form: one radio group « etat_<booking id> » per child. */
function marksOf(body: Record<string, unknown>): Map<string, Attendance> {
  const marks = new Map<string, Attendance>();
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith("etat_")) continue;
    const id = key.slice(5);
    if (!UUID.test(id) || !MARKS.includes(value as Attendance)) throw notFound();
    marks.set(id, value as Attendance);
  }
  return marks;
}

type StaffOf = (c: Context<AppEnv>) => attendance.Staff;
type Extra = { addError?: string; q?: string };

/** The day's page: the list, the search for an unbooked child, and the add's error if any. */
async function show(
  c: Context<AppEnv>,
  staff: attendance.Staff,
  serviceId: string | null,
  day: string,
  extra: Extra = {},
) {
  const list = await attendance.dayList(staff, serviceId, day);
  const q = (extra.q ?? c.req.query("q") ?? "").trim().slice(0, 100);
  const found = q.length >= 2 ? await attendance.searchChildren(staff, q) : null;
  const data = { ...list, q, found, longDay: longDate(day), labels: ATTENDANCE_LABELS, marks: MARKS };
  const flash = FLASH[c.req.query("ok") ?? ""];
  return page(
    c,
    "planning/staff/attendance",
    { ...data, flash, addError: extra.addError },
    extra.addError ? 422 : 200,
  );
}

/** « Pointage » of a day and a service, its CSV for the canteen, and unbooked children. Mounted at /agents. */
export function planningStaffAttendanceRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const staff: StaffOf = (c) => ({
    db: deps.db,
    tenant: c.get("tenant"),
    session: c.get("session") as SessionUser,
    now: deps.now(),
  });
  app.use(BASE, requireStaff);
  app.use(`${BASE}/*`, requireStaff);
  app.use(`${BASE}.csv`, requireStaff);

  app.get(BASE, (c) =>
    show(c, staff(c), serviceOf(c.req.query("service")), dayOf(c.req.query("jour"), deps.now())),
  );
  app.get(`${BASE}.csv`, async (c) => {
    const day = dayOf(c.req.query("jour"), deps.now());
    const file = await attendance.dayCsv(staff(c), serviceOf(c.req.query("service")), day);
    return c.body(file.body, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      "Cache-Control": "no-store",
    });
  });
  writeRoutes(app, staff, deps);
  return app;
}

/** « Enregistrer le pointage » and « Ajouter » (an unbooked child, present). */
function writeRoutes(app: Hono<AppEnv>, staff: StaffOf, deps: Deps) {
  app.post(BASE, async (c) => {
    const body = await c.req.parseBody();
    const serviceId = serviceOf(String(body.service ?? ""));
    if (!serviceId) throw notFound();
    const day = dayOf(String(body.jour ?? ""), deps.now());
    await attendance.saveMarks(staff(c), serviceId, day, marksOf(body));
    return seeOther(c, listUrl(serviceId, day, { ok: "enregistre" }));
  });

  app.post(`${BASE}/ajouter`, async (c) => {
    const body = await c.req.parseBody();
    const serviceId = serviceOf(String(body.service ?? ""));
    const childId = String(body.enfant ?? "");
    if (!serviceId || !UUID.test(childId)) throw notFound();
    const day = dayOf(String(body.jour ?? ""), deps.now());
    try {
      await attendance.addUnbooked(staff(c), serviceId, day, childId);
    } catch (err) {
      if (!(err instanceof PlanningError)) throw err;
      return show(c, staff(c), serviceId, day, { addError: err.message, q: String(body.q ?? "") });
    }
    return seeOther(c, listUrl(serviceId, day, { ok: "ajoute" }));
  });
}
