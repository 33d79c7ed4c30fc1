import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent } from "../../../auth/middleware.ts";
import type { SessionUser } from "../../../auth/sessions.ts";
import type { Trx } from "../../../db/database.ts";
import { publicOrigin } from "../../../env.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { startBasketPayment } from "../payments/online-payment.ts";
import { allowPayfipForms } from "../payments/payment-routes.ts";
import { euros } from "../pricing/pricing.ts";
import { payBasketWithCredit } from "./basket-credit.ts";
import { BASKET_EXPIRED } from "./basket-payment.ts";
import { basketPage, type Owner, removeDay } from "./basket-service.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A form's uuid field, or 404 (a forged or stale form names nothing of the household). */
async function uuidField(c: Context<AppEnv>, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  if (typeof value !== "string" || !UUID.test(value)) throw notFound();
  return value;
}

/** The signed-in parent as the basket services see them, on the app's clock. */
function ownerOf(c: Context<AppEnv>, deps: Deps): Owner {
  const s = c.get("session") as SessionUser;
  if (!s.householdId) throw notFound();
  return { tenant: c.get("tenant"), householdId: s.householdId, userId: s.userId, now: deps.now() };
}

function asParent<T>(deps: Deps, o: Owner, fn: (trx: Trx) => Promise<T>) {
  const ctx = {
    role: "app_parent" as const,
    tenantId: o.tenant.id,
    userId: o.userId,
    householdId: o.householdId,
  };
  return deps.db.withTenant(ctx, fn);
}

/** « Mon panier », with the reason a request was refused (409) when there is one. */
async function show(c: Context<AppEnv>, deps: Deps, error: AppError | null = null) {
  const o = ownerOf(c, deps);
  const baskets = await asParent(deps, o, (trx) => basketPage(trx, o.tenant, o.householdId));
  allowPayfipForms(c, deps);
  const status = (error?.status ?? 200) as ContentfulStatusCode;
  const expired = error?.message === BASKET_EXPIRED;
  return page(c, "billing/basket/index", { baskets, error: error?.message ?? null, expired, euros }, status);
}

/** A refusal the page explains (409, 502); anything else, 404 included, goes up. */
function explained(error: unknown): AppError {
  if (!(error instanceof AppError) || error.status === 404) throw error;
  return error;
}

/** « Mon panier » (services paid at booking), « Annuler » on a line, « Valider et payer ». Mounted at /. */
export function billingBasketRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/panier", requireParent);
  app.use("/panier/*", requireParent);

  app.get("/panier", (c) => show(c, deps));

  app.post("/panier/annuler", async (c) => {
    const o = ownerOf(c, deps);
    const bookingId = await uuidField(c, "reservation");
    try {
      await asParent(deps, o, (trx) => removeDay(trx, o, bookingId));
    } catch (error) {
      return show(c, deps, explained(error));
    }
    return seeOther(c, "/panier");
  });

  // The amount is the basket's priced lines (basket-payment.ts), whatever else the form holds.
  app.post("/panier/payer", async (c) => {
    const o = ownerOf(c, deps);
    const email = (c.get("session") as SessionUser).email ?? o.tenant.config.contact.email;
    const origin = publicOrigin(deps.env, c.env.site.hostname);
    const basketId = await uuidField(c, "panier");
    try {
      const paidByCredit = await payBasketWithCredit(deps.db, o, basketId);
      if (paidByCredit) return seeOther(c, `/factures/${paidByCredit}`);
      return c.redirect(
        await startBasketPayment(deps.db, { ...o, email, origin }, basketId, deps.payfip, c.env.log),
        303,
      );
    } catch (error) {
      const why = explained(error);
      c.env.log.warn({ basket: basketId, reason: why.message }, "basket payment refused");
      return show(c, deps, why);
    }
  });
  return app;
}
