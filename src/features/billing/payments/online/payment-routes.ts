import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { SessionUser } from "../../../../auth/sessions.ts";
import { publicOrigin } from "../../../../env.ts";
import { AppError } from "../../../../http/errors.ts";
import { page, seeOther } from "../../../../http/render.ts";
import { callerHousehold, callerScope, readerTransaction, townJobsTransact } from "../../../../http/scope.ts";
import { contentSecurityPolicy } from "../../../../http/security.ts";
import type { AppEnv, Deps } from "../../../../http/types.ts";
import { readIdOp } from "../../../../integrations/payfip/callback.ts";
import { FMT, findInvoice } from "../../invoices/invoices-view.ts";
import { attemptByIdOp, type Payer, settleAttempt } from "./online-payment.ts";

/**
 * « Payer en ligne » posts to the portal, which answers with a redirect to PayFiP: the
 * browser checks it against the form-action of the document holding the form, and with
 * hx-boost that document is whichever page the parent first loaded. So every page of the
 * portal names PayFiP's origin as a form target, beside the logout redirect.
 */
export function payfipFormTarget(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has("Content-Security-Policy"))
      c.res.headers.set("Content-Security-Policy", payfipPolicy(c, deps));
  };
}

/** The same policy set on one response before it is rendered. */
export function allowPayfipForms(c: Context<AppEnv>, deps: Deps) {
  c.header("Content-Security-Policy", payfipPolicy(c, deps));
}

function payfipPolicy(c: Context<AppEnv>, deps: Deps): string {
  const logout = c.get("tenant").config.auth.logoutRedirect;
  return contentSecurityPolicy([
    new URL(deps.payfip.base).origin,
    ...(logout ? [new URL(logout).origin] : []),
  ]);
}

/**
 * The signed-in parent paying online, on the app's clock: PayFiP mails its receipt to their
 * e-mail (the town's when they have none) and sends the browser back to this origin.
 */
export function payerOf(c: Context<AppEnv>, deps: Deps): Payer {
  const tenant = c.get("tenant");
  return {
    tenant,
    householdId: callerHousehold(c),
    userId: callerScope(c).userId,
    now: deps.now(),
    email: (c.get("session") as SessionUser).email ?? tenant.config.contact.email,
    origin: publicOrigin(deps.env, c.env.site.hostname),
  };
}

/** A refusal the page explains (409, 502); anything else, 404 included, goes up. */
export function explained(error: unknown): AppError {
  if (!(error instanceof AppError) || error.status === 404) throw error;
  return error;
}

/** What the parent is told on coming back from PayFiP. */
const OUTCOMES = {
  paid: { title: "Paiement accepté", text: "Votre paiement a été accepté et enregistré. Merci." },
  refused: { title: "Paiement refusé", text: "Votre paiement a été refusé : rien n'a été prélevé." },
  abandoned: {
    title: "Paiement abandonné",
    text: "Vous avez abandonné le paiement : rien n'a été prélevé. Le paiement en ligne de cette facture sera de nouveau possible 20 minutes au plus après son début.",
  },
  checking: {
    title: "Paiement en cours de vérification",
    text: "Nous vérifions votre paiement… Son résultat n'est pas encore connu : il sera enregistré dès que le service de paiement l'aura confirmé.",
  },
} as const;
type Outcome = keyof typeof OUTCOMES;

/**
 * Asks PayFiP for the result within the page's time budget; a technical fault or the budget
 * running out is logged and left to the polling job. Returns false then.
 */
async function settle(c: Context<AppEnv>, deps: Deps, idOp: string): Promise<boolean> {
  try {
    await settleAttempt(
      townJobsTransact(c, deps.db),
      c.get("tenant"),
      idOp,
      deps.payfip,
      c.env.log,
      deps.now(),
    );
    return true;
  } catch (err) {
    c.env.log.error({ err, idOp }, "payfip: result not available, left to the check_payment job");
    return false;
  }
}

/** The attempt as it now stands (read as the jobs persona: the returning browser may have no session). */
function attemptOf(deps: Deps, c: Context<AppEnv>, idOp: string) {
  return townJobsTransact(c, deps.db)((trx) => attemptByIdOp(trx, idOp));
}

function outcomeOf(a: { state: string; resultrans: string | null }): Outcome {
  if (a.state === "paid" || a.state === "refused") return a.state;
  if (a.state === "cancelled" || a.state === "expired" || a.resultrans === "A") return "abandoned";
  return "checking";
}

/** The signed-in parent's own invoice, for the link back; null for anyone else. */
async function ownInvoice(
  deps: Deps,
  c: Context<AppEnv>,
  a: { invoice_id: string | null; household_id: string },
) {
  const s = c.get("session") as SessionUser | undefined;
  const invoiceId = a.invoice_id;
  if (!invoiceId || s?.kind !== "parent" || s.householdId !== a.household_id) return null;
  // No guard runs on PayFiP's paths: the signed-in parent reads as themselves.
  return readerTransaction(c, deps.db, (trx) => findInvoice(trx, invoiceId, a.household_id));
}

/**
 * PayFiP's return (`urlredirect`) and notification (`urlnotif`), GET or POST, `idop` or
 * `idOp`: neither carries the result, which settleAttempt fetches from PayFiP. Both paths
 * are exempt from the same-origin check (src/http/security.ts). Mounted at /.
 */
export function billingPaymentRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();

  app.on(["GET", "POST"], "/paiement/retour", async (c) => {
    const idOp = await readIdOp(c);
    if (!idOp) return page(c, "billing/payment/unknown", {}, 404);
    // After a POST whose lookup failed, the GET does not ask again: one budget per return.
    const settled = c.req.query("verification") === "1" || (await settle(c, deps, idOp));
    // The form POST from PayFiP's page is cross-site: the session cookie (SameSite=Lax) is
    // not sent with it, but is with the top-level GET this redirect leads to.
    if (c.req.method === "POST")
      return seeOther(c, `/paiement/retour?idop=${idOp}${settled ? "" : "&verification=1"}`);
    const attempt = await attemptOf(deps, c, idOp);
    if (!attempt) return page(c, "billing/payment/unknown", {}, 404);
    const outcome = outcomeOf(attempt);
    const invoice = await ownInvoice(deps, c, attempt);
    return page(c, "billing/payment/return", { outcome, ...OUTCOMES[outcome], invoice, fmt: FMT });
  });

  // docs/payfip.md §1.5: no answer is documented and retries on an error are not either, so the
  // notification is always answered 200 with an empty body; an unknown idOp or a fault is
  // logged, and the check_payment job polls every pending attempt for a week.
  app.on(["GET", "POST"], "/paiement/notification", async (c) => {
    const idOp = await readIdOp(c);
    if (!idOp) c.env.log.warn("payfip: notification without an idOp ignored");
    else await settle(c, deps, idOp);
    return c.body(null, 200);
  });
  return app;
}
