import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import { type FormListValues, type FormState, submitForm, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { callerScope, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isUuid, many, trimmed } from "../../../lib/form-fields.ts";
import type { Actor } from "../../audit/service.ts";
import { type AbsenceDecision, decideAbsence, staffAbsences } from "./absence-service.ts";

const NOTICES: Record<string, string> = {
  acceptee: "L'absence a été acceptée. La famille est prévenue par e-mail.",
  refusee: "L'absence a été refusée. La famille est prévenue par e-mail.",
  lot: "Les absences sélectionnées ont été traitées. Les familles sont prévenues par e-mail.",
};
const NO_REASON = "Indiquez le motif du refus : il sera envoyé à la famille.";
const TOO_LONG = "Le motif ne doit pas dépasser 500 caractères.";

/** A refusal's reason, told to the family. */
const reason = z.preprocess(trimmed, z.string().min(1, NO_REASON).max(500, TOO_LONG));

/** The selection: the ticked absences, then accept, or refuse with one reason for all. */
const LOT = z
  .object({
    ids: many(z.string()).transform((ids) => ids.filter(isUuid)),
    decision: z.string().optional(),
    motif: z.unknown().optional(),
  })
  .refine((f) => f.ids.length > 0, { path: ["ids"], message: "Cochez au moins une absence." })
  .transform((f, ctx) => {
    if (f.decision === "accepter") return { ids: f.ids, decision: { accept: true } as AbsenceDecision };
    const r = reason.safeParse(f.motif);
    if (r.success) return { ids: f.ids, decision: { accept: false, reason: r.data } as AbsenceDecision };
    ctx.addIssue({ code: "custom", path: ["motif"], message: r.error.issues[0]?.message ?? NO_REASON });
    return z.NEVER;
  });

type Form = { values?: FormListValues; errors?: Record<string, string> };

const render = async (
  c: Context<AppEnv>,
  deps: Deps,
  form: Form = {},
  status: ContentfulStatusCode = 200,
) => {
  const lists = await inTransaction(c, deps.db, (trx) => staffAbsences(trx, deps.now()));
  const message = NOTICES[c.req.query("message") ?? ""];
  return page(
    c,
    "planning/absence/staff",
    { ...lists, values: form.values ?? {}, errors: form.errors ?? {}, message },
    status,
  );
};

/** Applies one decision to each absence, in one transaction. */
const decideAll = (c: Context<AppEnv>, deps: Deps, ids: string[], decision: AbsenceDecision) => {
  const actor: Actor = { kind: "staff", userId: callerScope(c).userId };
  return inTransaction(c, deps.db, async (trx) => {
    for (const id of ids) await decideAbsence(trx, c.get("tenant"), actor, id, decision);
  });
};

/** « Absences à traiter »: accept or refuse with a reason, one by one or the selection. Mounted at /agents. */
export function planningStaffAbsenceRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  const decide = (c: Context<AppEnv>, ids: string[], decision: AbsenceDecision) =>
    decideAll(c, deps, ids, decision);
  const invalid = (c: Context<AppEnv>) => (state: FormState<FormListValues>) => render(c, deps, state, 422);

  app.get("/planning/absences", requireStaff, (c) => render(c, deps));

  app.post("/planning/absences/:id/accepter", requireStaff, async (c) => {
    await decide(c, [uuidParam(c, "id")], { accept: true });
    return seeOther(c, "/agents/planning/absences?message=acceptee");
  });

  app.post("/planning/absences/:id/refuser", requireStaff, (c) => {
    const id = uuidParam(c, "id");
    const field = `motif_${id}`;
    return submitForm(c, z.object({ [field]: reason }), {
      valid: async (data) => {
        await decide(c, [id], { accept: false, reason: data[field] as string });
        return seeOther(c, "/agents/planning/absences?message=refusee");
      },
      invalid: invalid(c),
    });
  });

  app.post("/planning/absences/lot", requireStaff, (c) =>
    submitForm(
      c,
      LOT,
      {
        valid: async ({ ids, decision }) => {
          await decide(c, ids, decision);
          return seeOther(c, "/agents/planning/absences?message=lot");
        },
        invalid: invalid(c),
      },
      { all: true },
    ),
  );
  return app;
}
