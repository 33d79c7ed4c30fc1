import { type Context, Hono } from "hono";
import { requireStaff, requireStaffAdmin } from "../../auth/middleware.ts";
import { accountDeps } from "../../auth/routes.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import type { Trx } from "../../db/database.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { parisDateTime } from "../../lib/dates.ts";
import type { Actor } from "../audit/service.ts";
import { inviteSchema, roleSchema } from "./schemas.ts";
import * as team from "./service.ts";

const FLASH: Record<string, string> = {
  invite: "L'invitation est envoyée.",
  role: "Le rôle est modifié.",
  desactive: "L'accès est désactivé : la personne est déconnectée.",
  reactive: "L'accès est réactivé.",
  renvoye: "L'invitation est renvoyée.",
};

/** « Équipe » (/agents/equipe): the town's admins manage the staff accounts. Agents never get here. */
export function teamRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/equipe", requireStaff, requireStaffAdmin);
  app.use("/equipe/*", requireStaff, requireStaffAdmin);
  const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;
  const actor = (c: Context<AppEnv>): Actor => ({ kind: "staff", userId: callerScope(c).userId });
  const inTown = <T>(c: Context<AppEnv>, fn: (trx: Trx) => Promise<T>) => inTransaction(c, deps.db, fn);

  const listPage = async (
    c: Context<AppEnv>,
    values: Record<string, string> = { role: "agent" },
    errors: Record<string, string> = {},
    status: 200 | 422 = 200,
  ) => {
    const data = await inTown(c, async (trx) => ({
      staff: await team.list(trx),
      history: await team.history(trx),
    }));
    const flash = FLASH[c.req.query("fait") ?? ""];
    return page(
      c,
      "team/index",
      {
        ...data,
        values,
        errors,
        flash,
        me: session(c).userId,
        roles: team.ROLE_LABELS,
        dateTime: parisDateTime,
      },
      status,
    );
  };
  app.get("/equipe", (c) => listPage(c));
  app.post("/equipe", async (c) => {
    const form = await readForm(c, inviteSchema);
    if (!form.ok) return listPage(c, form.values, form.errors, 422);
    const d = accountDeps(deps, c);
    const r = await inTown(c, (trx) => team.invite(trx, d, actor(c), form.data));
    if (!r.ok) return listPage(c, form.values, r.errors, 422);
    return seeOther(c, "/agents/equipe?fait=invite");
  });
  app.post("/equipe/:id/role", async (c) => {
    const id = uuidParam(c, "id");
    const form = await readForm(c, roleSchema);
    if (!form.ok) return listPage(c, {}, form.errors, 422);
    await inTown(c, (trx) => team.changeRole(trx, accountDeps(deps, c), actor(c), id, form.data.role));
    return seeOther(c, "/agents/equipe?fait=role");
  });
  for (const [path, active, done] of [
    ["desactiver", false, "desactive"],
    ["reactiver", true, "reactive"],
  ] as const) {
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
