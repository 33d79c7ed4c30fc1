import { type Context, Hono } from "hono";
import { requireStaff, requireStaffAdmin } from "../../auth/middleware.ts";
import { accountDeps } from "../../auth/routes.ts";
import type { Trx } from "../../db/database.ts";
import { type FormState, readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { parisDateTime } from "../../lib/dates.ts";
import type { Actor } from "../audit/service.ts";
import { inviteSchema, roleSchema } from "./schemas.ts";
import * as team from "./service.ts";

const actor = (c: Context<AppEnv>): Actor => ({ kind: "staff", userId: callerScope(c).userId });

async function listPage(
  deps: Deps,
  c: Context<AppEnv>,
  form: FormState = { values: { role: "agent" }, errors: {} },
) {
  const data = await inTransaction(c, deps.db, async (trx) => ({
    staff: await team.list(trx),
    history: await team.history(trx),
  }));
  const flash = team.DONE_MESSAGES[c.req.query("fait") ?? ""];
  const me = callerScope(c).userId;
  const { values, errors } = form;
  const view = { ...data, values, errors, flash, me, roles: team.ROLE_LABELS, dateTime: parisDateTime };
  return page(c, "team/index", view, Object.keys(errors).length ? 422 : 200);
}

async function invite(deps: Deps, c: Context<AppEnv>) {
  const form = await readForm(c, inviteSchema);
  if (!form.ok) return listPage(deps, c, form);
  const d = accountDeps(deps, c);
  const r = await inTransaction(c, deps.db, (trx) => team.invite(trx, d, actor(c), form.data));
  if (!r.ok) return listPage(deps, c, { values: form.values, errors: r.errors });
  return seeOther(c, "/agents/equipe?fait=invite");
}

async function changeRole(deps: Deps, c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  const form = await readForm(c, roleSchema);
  if (!form.ok) return listPage(deps, c, { values: {}, errors: form.errors });
  const d = accountDeps(deps, c);
  await inTransaction(c, deps.db, (trx) => team.changeRole(trx, d, actor(c), id, form.data.role));
  return seeOther(c, "/agents/equipe?fait=role");
}

/** « Équipe » (/agents/equipe): the town's admins manage the staff accounts. Agents never get here. */
export function teamRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/equipe", requireStaff, requireStaffAdmin);
  app.use("/equipe/*", requireStaff, requireStaffAdmin);
  const inTown = <T>(c: Context<AppEnv>, fn: (trx: Trx) => Promise<T>) => inTransaction(c, deps.db, fn);
  app.get("/equipe", (c) => listPage(deps, c));
  app.post("/equipe", (c) => invite(deps, c));
  app.post("/equipe/:id/role", (c) => changeRole(deps, c));
  for (const { path, active, done } of team.ACCESS_SWITCHES) {
    app.post(`/equipe/:id/${path}`, async (c) => {
      const id = uuidParam(c, "id");
      await inTown(c, (trx) => team.setActive(trx, accountDeps(deps, c), actor(c), id, active));
      return seeOther(c, `/agents/equipe?fait=${done}`);
    });
  }
  app.post("/equipe/:id/invitation", async (c) => {
    const id = uuidParam(c, "id");
    await inTown(c, (trx) => team.resend(trx, accountDeps(deps, c), actor(c), id));
    return seeOther(c, "/agents/equipe?fait=renvoye");
  });
  return app;
}
