import { type Context, Hono } from "hono";
import { type FormState, readForm, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import * as team from "../../team/service.ts";
import { requireOperator, who } from "../guard.ts";
import { type InTown, inTownAsOperator } from "./town-staff-service.ts";

const inTown = <T>(deps: Deps, c: Context<AppEnv>, event: string | null, fn: (t: InTown) => Promise<T>) =>
  inTownAsOperator(deps, who(deps, c), uuidParam(c, "id"), event, fn);

async function listPage(
  deps: Deps,
  c: Context<AppEnv>,
  form: FormState = { values: { role: "admin" }, errors: {} },
) {
  const data = await inTown(deps, c, null, async ({ trx, d }) => ({
    town: d.tenant,
    staff: await team.list(trx),
  }));
  const flash = team.DONE_MESSAGES[c.req.query("fait") ?? ""];
  const { values, errors } = form;
  const view = { ...data, values, errors, flash, roles: team.ROLE_LABELS };
  return page(c, "platform/town-staff", view, Object.keys(errors).length ? 422 : 200);
}

async function invite(deps: Deps, c: Context<AppEnv>) {
  const form = await readForm(c, team.inviteSchema);
  if (!form.ok) return listPage(deps, c, form);
  const r = await inTown(deps, c, "staff_invited", ({ trx, d, actor }) =>
    team.invite(trx, d, actor, form.data),
  );
  if (!r.ok) return listPage(deps, c, { values: form.values, errors: r.errors });
  return seeOther(c, `/communes/${uuidParam(c, "id")}/equipe?fait=invite`);
}

/** A town's staff accounts from the console: its first admin's invitation, deactivations. */
export function platformTownStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/communes/:id/equipe", requireOperator);
  app.use("/communes/:id/equipe/*", requireOperator);
  app.get("/communes/:id/equipe", (c) => listPage(deps, c));
  app.post("/communes/:id/equipe", (c) => invite(deps, c));
  for (const { path, active, done } of team.ACCESS_SWITCHES) {
    app.post(`/communes/:id/equipe/:userId/${path}`, async (c) => {
      const userId = uuidParam(c, "userId");
      await inTown(deps, c, `staff_${done}`, ({ trx, d, actor }) =>
        team.setActive(trx, d, actor, userId, active),
      );
      return seeOther(c, `/communes/${uuidParam(c, "id")}/equipe?fait=${done}`);
    });
  }
  app.post("/communes/:id/equipe/:userId/invitation", async (c) => {
    const userId = uuidParam(c, "userId");
    await inTown(deps, c, "staff_invitation_resent", ({ trx, d, actor }) =>
      team.resend(trx, d, actor, userId),
    );
    return seeOther(c, `/communes/${uuidParam(c, "id")}/equipe?fait=renvoye`);
  });
  return app;
}
