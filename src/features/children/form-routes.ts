import type { Context, Hono } from "hono";
import type { Trx } from "../../db/database.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import type { AppEnv } from "../../http/types.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import type { Values } from "../requests/service.ts";
import { formValues, type RunAs, type SectionPage, vaccineRows } from "./pages.ts";
import { MAX_VACCINES, personSchema } from "./schemas.ts";
import * as childrenService from "./service.ts";

/**
 * Where a child's forms live: the parent's « Mes enfants » (`/enfants/:id`), or the household's
 * file for the town's staff (`/foyers/:id/enfants/:childId`). The forms and their changes are
 * the same; the place gives the paths, what its pages add, and where a change goes back to.
 */
export interface Place {
  child: string;
  childParam: string;
  /** What the place's pages add to the form's data (the staff's layout and links). */
  extra: (c: Context<AppEnv>) => Record<string, unknown>;
  /** Where the browser goes after a change; `anchor` is the part of the child's page. */
  done: (c: Context<AppEnv>, kind: string, anchor: string) => string;
  /** A section's values were shown (in the request's transaction): the staff's health log. */
  shown?: (c: Context<AppEnv>, trx: Trx, householdId: string, section: Section) => Promise<void>;
}

type Typed = { values: Record<string, string>; errors: Record<string, string> };

/** One section of the child: its form, and its change (another household's child: 404 either way). */
export function sectionRoutes(app: Hono<AppEnv>, run: RunAs, s: SectionPage, place: Place) {
  const render = async (c: Context<AppEnv>, typed?: Typed) => {
    const childId = uuidParam(c, place.childParam);
    const data = await run(c, async (trx, w) => {
      const data = await childrenService.sectionForm(trx, w, childId, s.section);
      if (!typed) await place.shown?.(c, trx, w.householdId, s.section);
      return data;
    });
    const shown = typed?.values ?? formValues(s.section, data.current);
    const extra = {
      consents: c.get("tenant").config.householdFile.consents,
      rows: vaccineRows(shown),
      maxVaccines: MAX_VACCINES,
    };
    const all = { ...data, ...extra, ...place.extra(c), values: shown, errors: typed?.errors ?? {} };
    return page(c, s.template, all, typed ? 422 : 200);
  };
  app.get(`${place.child}/${s.path}`, (c) => render(c));
  app.post(`${place.child}/${s.path}`, async (c) => {
    const childId = uuidParam(c, place.childParam);
    const form = await readForm(c, s.schema(c));
    if (!form.ok) return render(c, form);
    const outcome = await run(c, (trx, w) =>
      childrenService.changeChild(trx, w, childId, s.section, form.data),
    );
    return seeOther(c, place.done(c, outcome.kind, ""));
  });
}

/** « Personnes autorisées »: add, edit, remove one person of the child. */
export function personRoutes(app: Hono<AppEnv>, run: RunAs, place: Place) {
  const personId = (c: Context<AppEnv>) => (c.req.param("pid") === "ajouter" ? null : uuidParam(c, "pid"));
  const render = async (c: Context<AppEnv>, typed?: Typed) => {
    const childId = uuidParam(c, place.childParam);
    const data = await run(c, (trx, w) => childrenService.personForm(trx, w, childId, personId(c)));
    const shown = typed?.values ?? formValues("personnes_autorisees", data.current);
    const all = {
      ...data,
      ...place.extra(c),
      isNew: !personId(c),
      values: shown,
      errors: typed?.errors ?? {},
    };
    return page(c, "children/person", all, typed ? 422 : 200);
  };
  const change = async (c: Context<AppEnv>, pid: string | null, values: Values) => {
    const childId = uuidParam(c, place.childParam);
    const outcome = await run(c, (trx, w) => childrenService.changePerson(trx, w, childId, pid, values));
    return seeOther(c, place.done(c, outcome.kind, "#personnes"));
  };
  app.get(`${place.child}/personnes/:pid`, (c) => render(c));
  app.post(`${place.child}/personnes/:pid`, async (c) => {
    const form = await readForm(c, personSchema);
    if (!form.ok) return render(c, form);
    return change(c, personId(c), form.data);
  });
  app.post(`${place.child}/personnes/:pid/supprimer`, (c) =>
    change(c, uuidParam(c, "pid"), { supprimer: "oui" }),
  );
}
