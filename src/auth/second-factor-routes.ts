import { type Context, Hono } from "hono";
import { z } from "zod";
import { readForm, uuidParam } from "../http/forms.ts";
import { page, seeOther } from "../http/render.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { requiredText } from "../lib/form-fields.ts";
import { readSessionCookie, requireStaff, requireStaffAdmin } from "./middleware.ts";
import * as secondFactor from "./second-factor.ts";
import type { SessionUser } from "./sessions.ts";

const codeSchema = z.object({ code: requiredText(20) });
const PAGE = "/compte/double-authentification";
const session = (c: Context<AppEnv>) => c.get("session") as SessionUser;
const wrong =
  "Code incorrect. Saisissez les 6 chiffres affichés par votre application, ou un code de secours.";

/** Staff (mounted at /agents): the code after the password, enrolment, and an admin's reset. */
export function secondFactorRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const codePage = (c: Context<AppEnv>, errors: Record<string, string> = {}, status: 200 | 422 | 429 = 200) =>
    page(c, "auth/second-factor-code", { errors }, status);

  app.get("/connexion/code", (c) => (readSessionCookie(c) ? codePage(c) : seeOther(c, "/agents/connexion")));
  app.post("/connexion/code", async (c) => {
    const token = readSessionCookie(c);
    if (!token) return seeOther(c, "/agents/connexion");
    const form = await readForm(c, codeSchema);
    if (!form.ok) return codePage(c, form.errors, 422);
    const outcome = await secondFactor.complete(
      deps.db,
      c.env.log,
      c.get("tenant"),
      token,
      form.data.code,
      c.env.ip,
    );
    if (!outcome) return seeOther(c, "/agents/connexion");
    if (outcome.ok) return seeOther(c, "/agents");
    if (outcome.waitSeconds > 0) {
      const minutes = Math.max(1, Math.ceil(outcome.waitSeconds / 60));
      return codePage(
        c,
        { code: `Trop d'essais. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.` },
        429,
      );
    }
    return codePage(c, { code: wrong }, 422);
  });

  const show = async (c: Context<AppEnv>, errors: Record<string, string> = {}, status: 200 | 422 = 200) => {
    const state = await secondFactor.enrolment(deps.db, c.get("tenant"), session(c));
    const admin = session(c).staffRole === "admin";
    const staff = admin ? await secondFactor.enabledStaff(deps.db, c.get("tenant"), session(c)) : [];
    const reset = c.req.query("reinitialise") === "1";
    return page(c, "auth/second-factor", { state, staff, admin, reset, errors, codes: null }, status);
  };
  app.get(PAGE, requireStaff, (c) => show(c));
  app.post(PAGE, requireStaff, async (c) => {
    const form = await readForm(c, codeSchema);
    if (!form.ok) return show(c, form.errors, 422);
    const codes = await secondFactor.confirm(
      deps.db,
      c.env.log,
      c.get("tenant"),
      session(c),
      form.data.code,
      c.env.ip,
    );
    if (!codes) return show(c, { code: wrong }, 422);
    // Shown once, in this answer: only their digests are kept.
    c.header("Cache-Control", "no-store");
    return page(c, "auth/second-factor", {
      state: { enabled: true },
      staff: [],
      admin: false,
      errors: {},
      codes,
    });
  });
  app.post(`${PAGE}/reinitialisation/:userId`, requireStaff, requireStaffAdmin, async (c) => {
    await secondFactor.reset(deps.db, c.get("tenant"), session(c), uuidParam(c, "userId"));
    return seeOther(c, `/agents${PAGE}?reinitialise=1`);
  });
  return app;
}
