import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import type { TenantContext } from "../../../db/database.ts";
import { uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import type { Actor } from "../../audit/service.ts";
import { type AbsenceDecision, decideAbsence, staffAbsences } from "./absence-service.ts";

const NOTICES: Record<string, string> = {
  acceptee: "L'absence a été acceptée. La famille est prévenue par e-mail.",
  refusee: "L'absence a été refusée. La famille est prévenue par e-mail.",
  lot: "Les absences sélectionnées ont été traitées. Les familles sont prévenues par e-mail.",
};
const NO_REASON = "Indiquez le motif du refus : il sera envoyé à la famille.";
const TOO_LONG = "Le motif ne doit pas dépasser 500 caractères.";

function staffScope(c: Context<AppEnv>) {
  const s = c.get("session") as SessionUser;
  const db: TenantContext = { role: "app_staff", tenantId: c.get("tenant").id, userId: s.userId };
  const actor: Actor = { kind: "staff", userId: s.userId };
  return { db, actor };
}

/** A refusal's reason, or the French message its field shows. */
function refusalReason(value: unknown): { ok: true; reason: string } | { ok: false; error: string } {
  const reason = typeof value === "string" ? value.trim() : "";
  if (!reason) return { ok: false, error: NO_REASON };
  if (reason.length > 500) return { ok: false, error: TOO_LONG };
  return { ok: true, reason };
}

/** « Absences à traiter »: accept or refuse with a reason, one by one or the selection. Mounted at /agents. */
export function planningStaffAbsenceRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  const render = async (
    c: Context<AppEnv>,
    form: { values?: Record<string, unknown>; errors?: Record<string, string> } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const lists = await deps.db.withTenant(staffScope(c).db, (trx) => staffAbsences(trx, deps.now()));
    const message = NOTICES[c.req.query("message") ?? ""];
    return page(
      c,
      "planning/absence/staff",
      { ...lists, values: form.values ?? {}, errors: form.errors ?? {}, message },
      status,
    );
  };

  const decide = (c: Context<AppEnv>, ids: string[], decision: AbsenceDecision) => {
    const { db, actor } = staffScope(c);
    return deps.db.withTenant(db, async (trx) => {
      for (const id of ids) await decideAbsence(trx, c.get("tenant"), actor, id, decision);
    });
  };

  app.get("/planning/absences", requireStaff, (c) => render(c));

  app.post("/planning/absences/:id/accepter", requireStaff, async (c) => {
    await decide(c, [uuidParam(c, "id")], { accept: true });
    return seeOther(c, "/agents/planning/absences?message=acceptee");
  });

  app.post("/planning/absences/:id/refuser", requireStaff, async (c) => {
    const id = uuidParam(c, "id");
    const body = await c.req.parseBody();
    const field = `motif_${id}`;
    const r = refusalReason(body[field]);
    if (!r.ok) return render(c, { values: body, errors: { [field]: r.error } }, 422);
    await decide(c, [id], { accept: false, reason: r.reason });
    return seeOther(c, "/agents/planning/absences?message=refusee");
  });

  app.post("/planning/absences/lot", requireStaff, async (c) => {
    const body = await c.req.parseBody({ all: true });
    const ids = [body.ids ?? []].flat().filter((v): v is string => z.uuid().safeParse(v).success);
    const values = { ...body, ids };
    if (!ids.length) return render(c, { values, errors: { ids: "Cochez au moins une absence." } }, 422);
    if (body.decision === "accepter") await decide(c, ids, { accept: true });
    else {
      const r = refusalReason(body.motif);
      if (!r.ok) return render(c, { values, errors: { motif: r.error } }, 422);
      await decide(c, ids, { accept: false, reason: r.reason });
    }
    return seeOther(c, "/agents/planning/absences?message=lot");
  });
  return app;
}
