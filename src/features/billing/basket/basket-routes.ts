import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireParent } from "../../../auth/middleware.ts";
import { type AppError, notFound } from "../../../http/errors.ts";
import { readForm } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { callerHousehold, callerTransact, inTransaction, townJobsTransact } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { uuid } from "../../../lib/form-fields.ts";
import { startBasketPayment } from "../payments/online/online-payment.ts";
import { allowPayfipForms, explained, payerOf } from "../payments/online/payment-routes.ts";
import { euros } from "../pricing/pricing.ts";
import { payBasketWithCredit } from "./basket-credit.ts";
import { BASKET_EXPIRED } from "./basket-payment.ts";
import { basketPage, removeDay } from "./basket-service.ts";

/** A form's basket or booking id; anything else names nothing of the household (404). */
async function idField(c: Context<AppEnv>, name: "panier" | "reservation"): Promise<string> {
  const form = await readForm(c, z.object({ [name]: uuid() }));
  if (!form.ok) throw notFound();
  return form.data[name] as string;
}

/** « Mon panier », with the reason a request was refused (409) when there is one. */
async function show(c: Context<AppEnv>, deps: Deps, error: AppError | null = null) {
  const baskets = await inTransaction(c, deps.db, (trx) =>
    basketPage(trx, c.get("tenant"), callerHousehold(c)),
  );
  allowPayfipForms(c, deps);
  const status = (error?.status ?? 200) as ContentfulStatusCode;
  const expired = error?.message === BASKET_EXPIRED;
  return page(c, "billing/basket/index", { baskets, error: error?.message ?? null, expired, euros }, status);
}

/** « Annuler » on a line: the day leaves the basket; a refusal is explained on the page. */
async function cancel(c: Context<AppEnv>, deps: Deps) {
  const o = payerOf(c, deps);
  const bookingId = await idField(c, "reservation");
  try {
    await inTransaction(c, deps.db, (trx) => removeDay(trx, o, bookingId));
  } catch (error) {
    return show(c, deps, explained(error));
  }
  return seeOther(c, "/panier");
}

/**
 * « Valider et payer »: settled by the family's credit, or off to PayFiP's page. The amount is
 * the basket's priced lines (basket-payment.ts), whatever else the form holds.
 */
async function pay(c: Context<AppEnv>, deps: Deps) {
  const payer = payerOf(c, deps);
  const basketId = await idField(c, "panier");
  try {
    const tx = { parent: callerTransact(c, deps.db), jobs: townJobsTransact(c, deps.db) };
    const paidByCredit = await payBasketWithCredit(tx, payer, basketId);
    if (paidByCredit) return seeOther(c, `/factures/${paidByCredit}`);
    return c.redirect(await startBasketPayment(tx, payer, basketId, deps.payfip, c.env.log), 303);
  } catch (error) {
    const why = explained(error);
    c.env.log.warn({ basket: basketId, reason: why.message }, "basket payment refused");
    return show(c, deps, why);
  }
}

/** « Mon panier » (services paid at booking), « Annuler » on a line, « Valider et payer ». Mounted at /. */
export function billingBasketRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/panier", requireParent);
  app.use("/panier/*", requireParent);
  app.get("/panier", (c) => show(c, deps));
  app.post("/panier/annuler", (c) => cancel(c, deps));
  app.post("/panier/payer", (c) => pay(c, deps));
  return app;
}
