import { type Context, Hono } from "hono";
import { z } from "zod";
import { requireParent } from "../../../../auth/middleware.ts";
import { notFound } from "../../../../http/errors.ts";
import { type FormState, submitForm, uuidParam } from "../../../../http/forms.ts";
import { page, seeOther } from "../../../../http/render.ts";
import { callerHousehold, callerScope, inTransaction } from "../../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../../http/types.ts";
import { parisToday, shortDate } from "../../../../lib/dates.ts";
import { isUuid } from "../../../../lib/form-fields.ts";
import { dayBefore, deskReference } from "../../desk-fields.ts";
import { FMT } from "../../invoices/invoices-view.ts";
import { staffScope } from "../../invoices/staff-invoices-view.ts";
import { euros } from "../../pricing/pricing.ts";
import { statementPage } from "../../statement/statement-view.ts";
import { recordRefund, refundList, requestRefund } from "./refund-service.ts";

const NOTICES: Record<string, string> = {
  remboursement: "Votre demande de remboursement est enregistrée : la régie vous fera un virement.",
};

/** « Relevé de compte » with the family's credit and its refunds; a refused request re-shown (422). */
export async function showStatement(c: Context<AppEnv>, deps: Deps, form?: FormState) {
  const householdId = callerHousehold(c);
  const body = form?.values ?? {};
  const data = await inTransaction(c, deps.db, (trx) =>
    statementPage(trx, householdId, parisToday(deps.now()), {
      year: body.annee ?? c.req.query("annee"),
      regieId: body.regie ?? c.req.query("regie"),
    }),
  );
  return page(
    c,
    "billing/parent/statement",
    {
      ...data,
      fmt: FMT,
      flash: NOTICES[c.req.query("message") ?? ""] ?? null,
      values: { compte: data.bank ? "foyer" : "autre", ...body },
      errors: form?.errors ?? {},
    },
    form ? 422 : 200,
  );
}

/** « Demander le remboursement »: the régie, and the IBAN on file or one typed with its holder. */
const askForm = z.object({
  regie: z.string().default(""),
  compte: z.string().optional(),
  iban: z.string().default(""),
  titulaire: z.string().default(""),
});

function ask(c: Context<AppEnv>, deps: Deps) {
  return submitForm(c, askForm, {
    valid: async (b) => {
      if (!isUuid(b.regie)) throw notFound();
      const input = { regieId: b.regie, iban: b.compte === "foyer" ? null : b.iban, holder: b.titulaire };
      const actor = { kind: "parent" as const, userId: callerScope(c).userId };
      await inTransaction(c, deps.db, (trx) =>
        requestRefund(trx, c.get("tenant"), actor, callerHousehold(c), input),
      );
      return seeOther(c, `/releve?regie=${b.regie}&message=remboursement#avoir`);
    },
    invalid: (form) => showStatement(c, deps, form),
  });
}

/** « Remboursements » for staff, and recording one paid by transfer (422 at the field). */
async function staffList(c: Context<AppEnv>, deps: Deps, form?: FormState & { id: string }) {
  const rows = await inTransaction(c, deps.db, (trx) => refundList(trx));
  const today = parisToday(deps.now());
  return page(
    c,
    "billing/staff/refunds",
    {
      rows,
      euros,
      date: shortDate,
      today,
      form: form ?? null,
      flash: c.req.query("fait") === "remboursement" ? "Le remboursement a été enregistré." : null,
    },
    form ? 422 : 200,
  );
}

const recordForm = (today: string) =>
  z.object({
    date: dayBefore(today, {
      missing: "Indiquez la date du virement.",
      future: "La date du virement ne peut pas être dans le futur.",
    }),
    reference: deskReference,
  });

function record(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  return submitForm(c, recordForm(parisToday(deps.now())), {
    valid: async ({ date, reference }) => {
      const { actor } = staffScope(c);
      await inTransaction(c, deps.db, (trx) =>
        recordRefund(trx, c.get("tenant"), actor, id, { paidOn: date, reference }),
      );
      return seeOther(c, "/agents/facturation/remboursements?fait=remboursement");
    },
    invalid: (form) => staffList(c, deps, { id, ...form }),
  });
}

/** « Demander le remboursement » (parents, mounted at /). */
export function refundParentRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/releve/*", requireParent);
  app.post("/releve/remboursement", (c) => ask(c, deps));
  return app;
}

/** « Remboursements » (staff, mounted inside the invoicing routes). */
export function refundStaffRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/facturation/remboursements", (c) => staffList(c, deps));
  app.post("/facturation/remboursements/:id", (c) => record(c, deps));
  return app;
}
