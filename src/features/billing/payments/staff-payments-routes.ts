import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AttemptState, PaymentMethod } from "../../../db/billing-types.ts";
import { page } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { isIsoDate, parisDateTime, parisToday } from "../../../lib/dates.ts";
import { euros } from "../../../lib/form-fields.ts";
import { dayBefore, deskReference } from "../desk-fields.ts";
import { DESK_METHODS, FORMAT, invoiceForm, METHOD_NAMES } from "../invoices/staff-invoices-view.ts";
import { regiesByName } from "../settings/settings-service.ts";
import { recordPayment } from "./ledger.ts";
import {
  ATTEMPT_STATE_LABELS,
  ATTEMPTS_LIMIT,
  attemptList,
  PAYMENTS_LIMIT,
  paymentList,
} from "./staff-payments-view.ts";

/** « Enregistrer un règlement »: mode, amount, day received and reference. */
const paymentForm = (today: string) =>
  z.object({
    mode: z.enum(DESK_METHODS, { message: "Choisissez le mode de règlement." }),
    montant: euros(),
    date: dayBefore(today, {
      missing: "Indiquez la date de réception du règlement.",
      future: "La date de réception ne peut pas être dans le futur.",
    }),
    reference: deskReference,
  });

const dateOrNull = (v: string | undefined) => (isIsoDate(v) ? v : null);

/** « Enregistrer un règlement »: 422 at the field, nothing saved, when the form or the amount is wrong. */
const pay = (c: Context<AppEnv>, deps: Deps) =>
  invoiceForm(c, deps, "reglement", paymentForm(parisToday(deps.now())), (trx, actor, b, invoiceId) =>
    recordPayment(trx, c.get("tenant"), actor, {
      invoiceId,
      method: b.mode,
      amountCents: b.montant,
      receivedOn: b.date,
      reference: b.reference,
    }),
  );

/** « Règlements »: filtered by régie, method and dates, with the totals per method. */
async function listPayments(c: Context<AppEnv>, deps: Deps) {
  const method =
    (Object.keys(METHOD_NAMES) as PaymentMethod[]).find((m) => m === c.req.query("mode")) ?? null;
  const from = dateOrNull(c.req.query("du"));
  const to = dateOrNull(c.req.query("au"));
  const data = await inTransaction(c, deps.db, async (trx) => {
    const regies = await regiesByName(trx);
    const regieId = regies.find((r) => r.id === c.req.query("regie"))?.id ?? null;
    return { regies, regieId, ...(await paymentList(trx, { regieId, method, from, to })) };
  });
  return page(c, "billing/staff/payments", { ...data, ...FORMAT, method, from, to, limit: PAYMENTS_LIMIT });
}

/** « Paiements en ligne (PayFiP) »: the attempts and their states. */
async function listAttempts(c: Context<AppEnv>, deps: Deps) {
  const states = Object.keys(ATTEMPT_STATE_LABELS) as AttemptState[];
  const state = states.find((s) => s === c.req.query("etat")) ?? null;
  const rows = await inTransaction(c, deps.db, (trx) => attemptList(trx, state));
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
