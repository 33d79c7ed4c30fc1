import { type Context, Hono } from "hono";
import { requireStaff } from "../../auth/middleware.ts";
import type { SessionUser } from "../../auth/sessions.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { recordStaffView } from "../health-log/service.ts";
import { formValues, type RunAs, runAs, SECTION_PAGES, type SectionPage, vaccineRows } from "./pages.ts";
import { MAX_VACCINES, personSchema } from "./schemas.ts";
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
  for (const s of SECTION_PAGES) sectionRoutes(app, run, s);
  personRoutes(app, run);
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

/** One section of the child: its form, and the staff's change, applied at once. */
function sectionRoutes(app: Hono<AppEnv>, run: RunAs, s: SectionPage) {
  const render = async (c: Context<AppEnv>, values?: Record<string, string>, errors = {}) => {
    const data = await run(c, async (trx, w) => {
      const data = await childrenService.sectionForm(trx, w, uuidParam(c, "childId"), s.section);
      // Health information shown to staff is logged (issue 16): who, when, which child.
      if (s.section === "donnees_sanitaires" && !values) {
        const target = { householdId: w.householdId, childIds: [uuidParam(c, "childId")] };
        await recordStaffView(trx, c.get("tenant"), sessionOf(c), target, "fiche");
      }
      return data;
    });
    const shown = values ?? formValues(s.section, data.current);
    const extra = {
      consents: c.get("tenant").config.householdFile.consents,
      rows: vaccineRows(shown),
      maxVaccines: MAX_VACCINES,
    };
    const status = values ? 422 : 200;
    return page(
      c,
      s.template,
      { ...data, ...extra, ...links(c), ...STAFF_PAGE, values: shown, errors },
      status,
    );
  };
  app.get(`${CHILD}/${s.path}`, (c) => render(c));
  app.post(`${CHILD}/${s.path}`, async (c) => {
    const form = await readForm(c, s.schema(c));
    if (!form.ok) return render(c, form.values, form.errors);
    const childId = uuidParam(c, "childId");
    const outcome = await run(c, (trx, w) => childrenService.changeChild(trx, w, childId, s.section, form.data));
    return seeOther(c, links(c).done(outcome.kind));
  });
}

/** « Personnes autorisées »: add, edit, remove one person of the child. */
function personRoutes(app: Hono<AppEnv>, run: RunAs) {
  const personId = (c: Context<AppEnv>) => (c.req.param("pid") === "ajouter" ? null : uuidParam(c, "pid"));
  const render = async (c: Context<AppEnv>, values?: Record<string, string>, errors = {}) => {
    const data = await run(c, (trx, w) =>
      childrenService.personForm(trx, w, uuidParam(c, "childId"), personId(c)),
    );
    const shown = values ?? formValues("personnes_autorisees", data.current);
    const extra = { ...links(c), ...STAFF_PAGE, isNew: !personId(c) };
    return page(c, "children/person", { ...data, ...extra, values: shown, errors }, values ? 422 : 200);
  };
  app.get(`${CHILD}/personnes/:pid`, (c) => render(c));
  app.post(`${CHILD}/personnes/:pid`, async (c) => {
    const form = await readForm(c, personSchema);
    if (!form.ok) return render(c, form.values, form.errors);
    const childId = uuidParam(c, "childId");
    const outcome = await run(c, (trx, w) => childrenService.changePerson(trx, w, childId, personId(c), form.data));
    return seeOther(c, links(c).done(outcome.kind));
  });
  app.post(`${CHILD}/personnes/:pid/supprimer`, async (c) => {
    const childId = uuidParam(c, "childId");
    const pid = uuidParam(c, "pid");
    const outcome = await run(c, (trx, w) => childrenService.changePerson(trx, w, childId, pid, { supprimer: "oui" }));
    return seeOther(c, links(c).done(outcome.kind));
  });
}
