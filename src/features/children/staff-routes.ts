import { type Context, Hono } from "hono";
import { requireStaff } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { uuidParam } from "../../http/forms.ts";
import { callerScope } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { recordStaffView } from "../health-log/service.ts";
import { type Place, personRoutes, sectionRoutes } from "./form-routes.ts";
import { type RunAs, runAs, SECTION_PAGES } from "./pages.ts";
import * as childrenService from "./service.ts";

const CHILD = "/foyers/:id/enfants/:childId";

/** Where the staff's forms post to and come back to, on the household's file. */
function links(c: Context<AppEnv>) {
  const file = `/agents/foyers/${uuidParam(c, "id")}`;
  const childId = uuidParam(c, "childId");
  return {
    base: `${file}/enfants/${childId}`,
    back: `${file}#enfant-${childId}`,
    done: (kind: string) =>
      `${file}?message=${kind === "unchanged" ? "inchange" : "enregistre"}#enfant-${childId}`,
  };
}

/** The children's pages in the staff's layout; a pending request is handled from « Demandes ». */
const STAFF_PAGE = { layout: "/layouts/staff", staff: true, pending: null };

const sessionOf = (c: Context<AppEnv>) => c.get("session") as SessionUser;

/** The staff's forms: on the household's file, in the staff's layout; health shown is logged (issue 16). */
const STAFF: Place = {
  child: CHILD,
  childParam: "childId",
  extra: (c) => ({ ...links(c), ...STAFF_PAGE }),
  done: (c, kind) => links(c).done(kind),
  shown: async (c, trx, householdId, section) => {
    if (section !== "donnees_sanitaires") return;
    const target = { householdId, childIds: [uuidParam(c, "childId")] };
    await recordStaffView(trx, c.get("tenant"), sessionOf(c), target, "fiche");
  },
};

/** Staff edit each child's sections from the household's file (mounted at /agents). */
export function childrenStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const run = runAs(deps.db, (c) => ({
    tenant: c.get("tenant"),
    actor: { kind: "staff", userId: callerScope(c).userId },
    householdId: uuidParam(c, "id"),
  }));
  app.use(`${CHILD}/*`, requireStaff);
  app.get(`${CHILD}/fiche`, (c) => sheet(c, run));
  for (const s of SECTION_PAGES) sectionRoutes(app, run, s, STAFF);
  personRoutes(app, run, STAFF);
  return app;
}

/** The complete « Fiche enfant » holds the medical information: each download is logged (issue 16). */
async function sheet(c: Context<AppEnv>, run: RunAs) {
  const childId = uuidParam(c, "childId");
  const target = { householdId: uuidParam(c, "id"), childIds: [childId] };
  const data = await run(c, async (trx, w) => {
    const data = await childrenService.sheetData(trx, w, childId);
    await recordStaffView(trx, c.get("tenant"), sessionOf(c), target, "pdf");
    return data;
  });
  const { pdf } = await childrenService.sheet(c.get("tenant"), data, true);
  return c.body(new Uint8Array(pdf), 200, {
    "Content-Type": "application/pdf",
    "Content-Disposition": 'attachment; filename="fiche-enfant-complete.pdf"',
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
  });
}
