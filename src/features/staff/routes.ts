import { type Context, Hono } from "hono";
import { requireStaff } from "../../auth/middleware.ts";
import { accountDeps } from "../../auth/routes.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { parisToday, shortDate } from "../../lib/dates.ts";
import { calendarWarnings } from "../../lib/school-holidays.ts";
import { newFamilySchema } from "./schemas.ts";
import * as staffService from "./service.ts";

/** The town's back-office home, and opening a family account. Mounted at /agents. */
export function staffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;

  app.get("/", requireStaff, async (c) => {
    const data = await inTransaction(c, deps.db, (trx) => staffService.dashboard(trx, c.get("tenant")));
    const zone = c.get("tenant").config.holidayZone;
    // Admins hear a year ahead that the school calendar of their zone runs out.
    const calendarEnd =
      session(c).staffRole === "admin"
        ? (calendarWarnings(parisToday(deps.now()), [zone])[0]?.end ?? null)
        : null;
    return page(c, "staff/home", { ...data, calendarEnd: calendarEnd && shortDate(calendarEnd), zone });
  });

  const formPage = (
    c: Context<AppEnv>,
    values = {},
    errors: Record<string, string> = {},
    status: 200 | 422 = 200,
  ) =>
    page(c, "staff/new-family", { values, errors, loginWith: c.get("tenant").config.auth.loginWith }, status);
  app.get("/familles/nouvelle", requireStaff, (c) => formPage(c));
  app.post("/familles/nouvelle", requireStaff, async (c) => {
    const form = await readForm(c, newFamilySchema(c.get("tenant").config.auth.loginWith));
    if (!form.ok) return formPage(c, form.values, form.errors, 422);
    const result = await inTransaction(c, deps.db, (trx) =>
      staffService.createFamily(accountDeps(deps, c), trx, form.data),
    );
    if (!result.ok) return formPage(c, form.values, result.errors, 422);
    return page(c, "staff/family-created", { result, values: form.values });
  });

  app.post("/familles/:userId/activation", requireStaff, async (c) => {
    const userId = uuidParam(c, "userId");
    await inTransaction(c, deps.db, (trx) =>
      staffService.resendActivation(accountDeps(deps, c), trx, userId),
    );
    return seeOther(c, "/agents?message=activation-renvoyee");
  });
  return app;
}
