import { type Context, Hono } from "hono";
import type { AttemptState, PaymentMethod } from "../../../db/billing-types.ts";
import { AppError } from "../../../http/errors.ts";
import { uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, parisDateTime, parisToday } from "../../../lib/dates.ts";
import {
  DESK_METHODS,
  FORMAT,
  METHOD_NAMES,
  regieOptions,
  showInvoice,
  staffScope,
} from "../invoices/staff-invoices-view.ts";
import { parseEuros } from "./euros-input.ts";
import { recordPayment } from "./ledger.ts";
import {
  ATTEMPT_STATE_LABELS,
  ATTEMPTS_LIMIT,
  attemptList,
  PAYMENTS_LIMIT,
  paymentList,
} from "./staff-payments-view.ts";

/** « Enregistrer un règlement »: the form's fields read, or the French message of each wrong one. */
function paymentInput(body: Record<string, string>, today: string) {
  const errors: Record<string, string> = {};
  const method = DESK_METHODS.find((m) => m === body.mode);
  if (!method) errors.mode = "Choisissez le mode de règlement.";
  const amount = parseEuros(body.montant);
  if (!amount.ok) errors.montant = amount.error;
  const date = body.date ?? "";
  if (!isIsoDate(date)) errors.date = "Indiquez la date de réception du règlement.";
  else if (date > today) errors.date = "La date de réception ne peut pas être dans le futur.";
  const reference = (body.reference ?? "").trim();
  if (reference.length > 50) errors.reference = "La référence ne doit pas dépasser 50 caractères.";
  if (!method || !amount.ok || Object.keys(errors).length) return { errors };
  return { input: { method, amountCents: amount.cents, receivedOn: date, reference: reference || null } };
}

const dateOrNull = (v: string | undefined) => (isIsoDate(v) ? v : null);

/** « Enregistrer un règlement »: 422 at the field, nothing saved, when the form or the amount is wrong. */
async function pay(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  const body = Object.fromEntries(
    Object.entries(await c.req.parseBody()).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  const read = paymentInput(body, parisToday(deps.now()));
  if (!read.input)
    return showInvoice(c, deps, id, { form: "reglement", values: body, errors: read.errors }, 422);
  const { db, actor } = staffScope(c);
  try {
    await deps.db.withTenant(db, (trx) =>
      recordPayment(trx, c.get("tenant"), actor, { invoiceId: id, ...read.input }),
    );
  } catch (err) {
    if (!(err instanceof AppError && (err.status === 422 || err.status === 409))) throw err;
    const errors = { montant: err.message };
    return showInvoice(c, deps, id, { form: "reglement", values: body, errors }, 422);
  }
  return seeOther(c, `/agents/facturation/factures/${id}?fait=reglement`);
}

/** « Règlements »: filtered by régie, method and dates, with the totals per method. */
async function listPayments(c: Context<AppEnv>, deps: Deps) {
  const method =
    (Object.keys(METHOD_NAMES) as PaymentMethod[]).find((m) => m === c.req.query("mode")) ?? null;
  const from = dateOrNull(c.req.query("du"));
  const to = dateOrNull(c.req.query("au"));
  const data = await deps.db.withTenant(staffScope(c).db, async (trx) => {
    const regies = await regieOptions(trx);
    const regieId = regies.find((r) => r.id === c.req.query("regie"))?.id ?? null;
    return { regies, regieId, ...(await paymentList(trx, { regieId, method, from, to })) };
  });
  return page(c, "billing/staff/payments", { ...data, ...FORMAT, method, from, to, limit: PAYMENTS_LIMIT });
}

/** « Paiements en ligne (PayFiP) »: the attempts and their states. */
async function listAttempts(c: Context<AppEnv>, deps: Deps) {
  const states = Object.keys(ATTEMPT_STATE_LABELS) as AttemptState[];
  const state = states.find((s) => s === c.req.query("etat")) ?? null;
  const rows = await deps.db.withTenant(staffScope(c).db, (trx) => attemptList(trx, state));
  return page(c, "billing/staff/payfip", {
    ...FORMAT,
    rows,
    state,
    states,
    labels: ATTEMPT_STATE_LABELS,
    dateTime: parisDateTime,
    limit: ATTEMPTS_LIMIT,
  });
}

/** Payments recorded at the desk, the payments list, the PayFiP attempts. Mounted inside the invoicing routes. */
export function billingStaffPaymentRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.post("/facturation/factures/:id/reglement", (c) => pay(c, deps));
  app.get("/facturation/paiements", (c) => listPayments(c, deps));
  app.get("/facturation/payfip", (c) => listAttempts(c, deps));
  return app;
}
