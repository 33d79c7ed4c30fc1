import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireStaff } from "../../auth/middleware.ts";
import { readForm, submitForm, uuidParam } from "../../http/forms.ts";
import { page, seeOther } from "../../http/render.ts";
import { callerScope, inTransaction } from "../../http/scope.ts";
import type { AppEnv, Deps } from "../../http/types.ts";
import { trimmed } from "../../lib/form-fields.ts";
import * as completenessService from "../completeness/service.ts";
import { handlerOf } from "./registry.ts";
import type { Values } from "./section-handler.ts";
import * as requestsService from "./service.ts";
import { changeLines, date, display, sectionLabel } from "./view.ts";

const refusalSchema = z.object({
  reason: z.preprocess(
    trimmed,
    z
      .string()
      .min(1, "Indiquez le motif du refus : il est envoyé à la famille.")
      .max(500, "Le motif ne doit pas dépasser 500 caractères."),
  ),
});

const MESSAGES: Record<string, string> = {
  "demande-acceptee": "La demande a été acceptée et appliquée. La famille est prévenue par e-mail.",
  "demande-refusee": "La demande a été refusée. La famille est prévenue par e-mail, avec le motif.",
};

/** What the page shows besides the queue: a stale request to confirm, or a refusal to correct. */
interface Extra {
  stale?: { id: string; fields: string[]; current: Values };
  refusal?: { id: string; error: string; reason: string };
}

type Pending = Awaited<ReturnType<typeof requestsService.pendingRequests>>[number];

/** The fields a later change moved, with the value the file holds now. */
function staleLines(row: Pending | undefined, stale: Extra["stale"]) {
  if (!row || !stale) return [];
  const handler = handlerOf(row.section);
  return stale.fields.map((f) => ({ label: handler.fields[f] ?? f, value: display(stale.current[f]) }));
}

/** « Demandes à traiter »: every pending request of the town with what its household still misses. */
async function queuePage(
  deps: Deps,
  c: Context<AppEnv>,
  extra: Extra = {},
  status: ContentfulStatusCode = 200,
) {
  const tenant = c.get("tenant");
  const { rows, missing } = await inTransaction(c, deps.db, async (trx) => {
    const rows = await requestsService.pendingRequests(trx);
    const missing = new Map<string, string[]>();
    for (const id of new Set(rows.map((r) => r.household_id))) {
      missing.set(
        id,
        (await completenessService.missingItems(trx, tenant, id)).map((i) => i.label),
      );
    }
    return { rows, missing };
  });
  const items = rows.map((r) => ({
    id: r.id,
    household: r.household_name,
    number: r.household_number,
    label: sectionLabel(r.section),
    created: date(r.created_at),
    lines: changeLines(r, { mask: false }),
    missing: missing.get(r.household_id) ?? [],
    stale: extra.stale?.id === r.id ? staleLines(r, extra.stale) : null,
    refusal: extra.refusal?.id === r.id ? extra.refusal : null,
  }));
  const message = MESSAGES[c.req.query("message") ?? ""];
  return page(c, "staff/requests", { items, message }, status);
}

/** « Demandes à traiter »: accept (the change applies with the request) or refuse with a reason. */
export function requestsStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.get("/demandes", requireStaff, (c) => queuePage(deps, c));

  app.post("/demandes/:id/accepter", requireStaff, async (c) => {
    const id = uuidParam(c, "id");
    const { values } = await readForm(c, z.object({}));
    const actor = { kind: "staff" as const, userId: callerScope(c).userId };
    const outcome = await inTransaction(c, deps.db, (trx) =>
      requestsService.decide(trx, c.get("tenant"), actor, id, {
        accept: true,
        applyStale: values.confirmer === "1",
      }),
    );
    if (outcome.kind === "stale") return queuePage(deps, c, { stale: { id, ...outcome } }, 409);
    return seeOther(c, "/agents/demandes?message=demande-acceptee");
  });

  app.post("/demandes/:id/refuser", requireStaff, async (c) => {
    const id = uuidParam(c, "id");
    return submitForm(c, refusalSchema, {
      invalid: ({ values, errors }) =>
        queuePage(deps, c, { refusal: { id, error: errors.reason ?? "", reason: values.reason ?? "" } }, 422),
      valid: async ({ reason }) => {
        const actor = { kind: "staff" as const, userId: callerScope(c).userId };
        await inTransaction(c, deps.db, (trx) =>
          requestsService.decide(trx, c.get("tenant"), actor, id, { accept: false, reason }),
        );
        return seeOther(c, "/agents/demandes?message=demande-refusee");
      },
    });
  });
  return app;
}
