import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { OperatorSession } from "../../../auth/operator-sessions.ts";
import { firstValue, readUpload } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { parisToday, shortDate } from "../../../lib/dates.ts";
import { WARN_DAYS } from "../../../lib/school-holidays.ts";
import * as calendar from "./school-calendar-service.ts";

const ZONES = ["A", "B", "C", "Corse"];

function show(
  c: Context<AppEnv>,
  deps: Deps,
  extra: { errors?: Record<string, string>; zone?: string } = {},
  status: ContentfulStatusCode = 200,
) {
  const imported = c.req.query("importe");
  return page(
    c,
    "platform/school-calendar",
    {
      coverage: calendar.coverage(parisToday(deps.now())),
      warnMonths: Math.round(WARN_DAYS / 30),
      zones: ZONES,
      values: { zone: extra.zone ?? "A" },
      errors: extra.errors ?? {},
      imported: imported && /^\d+$/.test(imported) ? Number(imported) : null,
      shortDate,
    },
    status,
  );
}

/**
 * « Calendrier scolaire » in the operators' console: what each zone's calendar covers, a
 * warning a year before it runs out, and the import of the Ministry's CSV or ICS.
 */
export function schoolCalendarRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/calendrier-scolaire", async (c, next) =>
    c.get("operator") ? next() : c.redirect("/connexion", 303),
  );
  app.get("/calendrier-scolaire", async (c) => {
    await calendar.refreshSchoolCalendar(deps.db);
    return show(c, deps);
  });
  app.post("/calendrier-scolaire", async (c) => {
    const form = await readUpload(c);
    const typed = firstValue(form.values.zone);
    const zone = ZONES.includes(typed) ? typed : "A";
    const file = form.files.fichier?.find((f) => f.size > 0);
    if (!file)
      return show(
        c,
        deps,
        { zone, errors: { fichier: "Choisissez le fichier du calendrier scolaire (CSV ou ICS)." } },
        422,
      );
    const parsed = calendar.parseUpload(file.name, await file.text(), zone);
    if (typeof parsed === "string") return show(c, deps, { zone, errors: { fichier: parsed } }, 422);
    const result = await calendar.importCalendar(deps.db, c.get("operator") as OperatorSession, parsed);
    return seeOther(c, `/calendrier-scolaire?importe=${result.ok ? result.count : 0}`);
  });
  return app;
}
