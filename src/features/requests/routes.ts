import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireParent } from "../../auth/middleware.ts";
import { readForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerHousehold, callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import type { Section } from "../../tenancy/config-schema.ts";
import { recentFromSources, sourceTypes } from "./registry.ts";
import * as requestsService from "./service.ts";
import {
  ACCOUNT_SECTIONS,
  CHILD_SECTIONS,
  changeLines,
  date,
  STATUS_HEADINGS,
  STATUS_LABELS,
  sectionLabel,
} from "./view.ts";

const GROUPS = {
  compte: { label: "Mon compte", sections: ACCOUNT_SECTIONS },
  enfants: { label: "Mes enfants", sections: CHILD_SECTIONS },
} as const;
type Group = keyof typeof GROUPS;

const STATES = ["pending", "refused", "accepted", "withdrawn"] as const;

/** A path of this site only: « back » must never send the parent elsewhere. */
function localPath(value: unknown): string | null {
  return typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : null;
}

/** The filters of the page: « Mon compte » or « Mes enfants », then one type of that group. */
function filters(c: Context<AppEnv>) {
  const q = c.req.query("groupe");
  const group: Group = q === "enfants" ? "enfants" : "compte";
  // « Mes enfants » also lists the planning's « Réservations » and « Absences ».
  const planning: string[] = group === "enfants" ? sourceTypes().map((p) => p.key) : [];
  const sections: readonly string[] = [...GROUPS[group].sections, ...planning];
  const t = c.req.query("type") ?? "";
  return {
    group,
    type: sections.includes(t) ? (t as Section) : null,
    sections,
    planning: planning.length > 0,
  };
}

type Filters = ReturnType<typeof filters>;

/** The household's change requests and the planning's, as the filters keep them. */
async function itemsOf(deps: Deps, c: Context<AppEnv>, f: Filters) {
  const householdId = callerHousehold(c);
  const [rows, planning] = await inTransaction(
    c,
    deps.db,
    async (trx) =>
      [
        await requestsService.recentRequests(trx, householdId),
        f.planning ? await recentFromSources(trx, householdId, deps.now()) : [],
      ] as const,
  );
  return rows
    .filter((r) => f.sections.includes(r.section) && (!f.type || r.section === f.type))
    .map((r) => ({
      id: r.id,
      status: r.status,
      label: sectionLabel(r.section),
      created: date(r.created_at),
      decided: date(r.decided_at),
      reason: r.reason,
      lines: changeLines(r, { mask: true }),
    }))
    .concat(
      planning
        .filter((r) => !f.type || r.type === (f.type as string))
        .map((r) => ({ ...r, created: date(r.createdAt), decided: date(r.decidedAt), lines: [] })),
    );
}

/** « Liste des demandes »: the group and type filters, then the requests by state. */
async function listPage(deps: Deps, c: Context<AppEnv>) {
  const f = filters(c);
  const items = await itemsOf(deps, c, f);
  return page(c, "requests/index", {
    groups: Object.entries(GROUPS).map(([key, g]) => ({ key, label: g.label, current: key === f.group })),
    types: f.sections.map((s) => ({
      key: s,
      label: sourceTypes().find((p) => p.key === s)?.label ?? sectionLabel(s),
      current: s === f.type,
    })),
    group: f.group,
    type: f.type,
    states: STATES.map((s) => ({
      key: s,
      label: STATUS_LABELS[s],
      heading: STATUS_HEADINGS[s],
      items: items.filter((i) => i.status === s),
    })),
    count: items.length,
    message: c.req.query("message") === "demande-retiree" ? "Votre demande a été retirée." : undefined,
  });
}

/** Taking back a pending request, then back where the parent came from (a path of this site only). */
async function withdraw(deps: Deps, c: Context<AppEnv>) {
  const id = uuidParam(c, "id");
  const form = await readForm(c, z.object({}));
  const actor = { kind: "parent" as const, userId: callerScope(c).userId };
  await inTransaction(c, deps.db, (trx) =>
    requestsService.withdraw(trx, { tenant: c.get("tenant"), actor, householdId: callerHousehold(c) }, id),
  );
  return seeOther(c, localPath(form.values.back) ?? "/demandes?message=demande-retiree");
}

/** « Liste des demandes » and taking back a pending request. Mounted at /. */
export function requestsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/demandes", requireParent, (c) => listPage(deps, c));
  app.post("/demandes/:id/retirer", requireParent, (c) => withdraw(deps, c));
  return app;
}
