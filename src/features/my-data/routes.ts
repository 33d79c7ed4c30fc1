import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireParent, requireStaff, requireStaffAdmin } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerHousehold, callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { optionalText } from "../../lib/form-fields.ts";
import * as myData from "./service.ts";

const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;
const closureSchema = z.object({ reason: optionalText(1000) });

/** « Mes données » (issue 16, item 14): the household's data (JSON, PDF) and the closing request. */
export function myDataRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const show = async (c: Context<AppEnv>, form = { values: {}, errors: {} }, status: 200 | 422 = 200) => {
    const pending = await inTransaction(c, deps.db, (trx) => myData.closureStatus(trx, callerHousehold(c)));
    const sent = c.req.query("demande") === "envoyee";
    return page(c, "my-data/index", { pending, sent, ...form }, status);
  };
  app.get("/mes-donnees", requireParent, (c) => show(c));
  app.get("/mes-donnees.json", requireParent, async (c) => {
    const body = await inTransaction(c, deps.db, (trx) =>
      myData.exportHousehold(trx, c.get("tenant"), deps.now()),
    );
    return c.body(JSON.stringify(body, null, 2), 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": 'attachment; filename="mes-donnees.json"',
      "X-Content-Type-Options": "nosniff",
    });
  });
  app.get("/mes-donnees.pdf", requireParent, async (c) => {
    const now = deps.now();
    const exported = await inTransaction(c, deps.db, (trx) =>
      myData.exportHousehold(trx, c.get("tenant"), now),
    );
    const pdf = await myData.exportPdf(c.get("tenant"), exported, now);
    return c.body(new Uint8Array(pdf), 200, {
      "Content-Type": "application/pdf",
      "Content-Disposition": 'attachment; filename="mes-donnees.pdf"',
      "X-Content-Type-Options": "nosniff",
    });
  });
  app.post("/mes-donnees/fermeture", requireParent, async (c) => {
    const form = await readForm(c, closureSchema);
    if (!form.ok) return show(c, { values: form.values, errors: form.errors }, 422);
    const parent = { userId: callerScope(c).userId, householdId: callerHousehold(c) };
    await inTransaction(c, deps.db, (trx) =>
      myData.requestClosure(trx, c.get("tenant"), parent, form.data.reason),
    );
    return seeOther(c, "/mes-donnees?demande=envoyee");
  });
  return app;
}

/** The town's side (mounted at /agents): staff see the requests, a town admin closes the accounts. */
export function myDataStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/fermetures-de-compte", requireStaff, async (c) => {
    const rows = await inTransaction(c, deps.db, (trx) => myData.pendingClosures(trx));
    const admin = session(c).staffRole === "admin";
    return page(c, "my-data/staff-closures", { rows, admin, done: c.req.query("fait") === "1" });
  });
  app.post("/fermetures-de-compte/:id", requireStaff, requireStaffAdmin, async (c) => {
    const id = uuidParam(c, "id");
    await inTransaction(c, deps.db, (trx) =>
      myData.closeAccount(trx, c.get("tenant"), callerScope(c).userId, id),
    );
    return seeOther(c, "/agents/fermetures-de-compte?fait=1");
  });
  return app;
}
