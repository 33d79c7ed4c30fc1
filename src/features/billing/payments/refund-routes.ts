import { type Context, Hono } from "hono";
import { requireParent } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import { notFound } from "../../../http/errors.ts";
import { uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, parisToday, shortDate } from "../../../lib/dates.ts";
import { FMT } from "../invoices/invoices-view.ts";
import { staffScope } from "../invoices/staff-invoices-view.ts";
import { euros } from "../pricing/pricing.ts";
import { statementPage } from "../statement/statement-view.ts";
import { RefundError, recordRefund, refundList, requestRefund } from "./refund-service.ts";

type Form = { values: Record<string, string>; errors: Record<string, string> };

function parentOf(c: Context<AppEnv>) {
  const s = c.get("session") as SessionUser;
  if (!s.householdId) throw notFound();
  const ctx = {
    role: "app_parent" as const,
    tenantId: c.get("tenant").id,
    userId: s.userId,
    householdId: s.householdId,
  };
  return { ctx, actor: { kind: "parent" as const, userId: s.userId } };
}

const NOTICES: Record<string, string> = {
  remboursement: "Votre demande de remboursement est enregistrée : la régie vous fera un virement.",
};

/** « Relevé de compte » with the family's credit and its refunds; a refused request re-shown (422). */
export async function showStatement(c: Context<AppEnv>, deps: Deps, form?: Form) {
  const { ctx } = parentOf(c);
  const body = form?.values ?? {};
  const data = await deps.db.withTenant(ctx, (trx) =>
    statementPage(trx, ctx.householdId, parisToday(deps.now()), {
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

async function ask(c: Context<AppEnv>, deps: Deps) {
  const { ctx, actor } = parentOf(c);
  const body = Object.fromEntries(
    Object.entries(await c.req.parseBody()).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  const regieId = body.regie ?? "";
  const input = {
    regieId,
    iban: body.compte === "foyer" ? null : (body.iban ?? ""),
    holder: body.titulaire ?? "",
  };
  try {
    await deps.db.withTenant(ctx, (trx) =>
      requestRefund(trx, c.get("tenant"), actor, ctx.householdId, input),
    );
  } catch (err) {
    if (!(err instanceof RefundError)) throw err;
    return showStatement(c, deps, { values: body, errors: { [err.field]: err.message } });
  }
  return seeOther(c, `/releve?regie=${regieId}&message=remboursement#avoir`);
}

/** « Remboursements » for staff, and recording one paid by transfer (422 at the field). */
async function staffList(c: Context<AppEnv>, deps: Deps, form?: Form & { id: string }) {
  const rows = await deps.db.withTenant(staffScope(c).db, (trx) => refundList(trx));
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

async function record(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  const body = Object.fromEntries(
    Object.entries(await c.req.parseBody()).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  const today = parisToday(deps.now());
  const paidOn = body.date ?? "";
  const reference = (body.reference ?? "").trim();
  const errors: Record<string, string> = {};
  if (!isIsoDate(paidOn)) errors.date = "Indiquez la date du virement.";
  else if (paidOn > today) errors.date = "La date du virement ne peut pas être dans le futur.";
  if (reference.length > 50) errors.reference = "La référence ne doit pas dépasser 50 caractères.";
  if (Object.keys(errors).length) return staffList(c, deps, { id, values: body, errors });
  const { db, actor } = staffScope(c);
  await deps.db.withTenant(db, (trx) =>
    recordRefund(trx, c.get("tenant"), { kind: "staff", userId: actor.userId }, id, {
      paidOn,
      reference: reference || null,
    }),
  );
  return seeOther(c, "/agents/facturation/remboursements?fait=remboursement");
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
