import { type Selectable, sql } from "kysely";
import type { PaymentAttemptsTable } from "../../../../db/billing-types.ts";
import type { Transact, Trx } from "../../../../db/database.ts";
import { AppError } from "../../../../http/errors.ts";
import {
  createPayment,
  paymentDetail,
  paymentPageUrl,
  soapEndpoint,
  withinBudget,
} from "../../../../integrations/payfip/client.ts";
import {
  PayfipError,
  PayfipFunctionalError,
  PayfipInputError,
} from "../../../../integrations/payfip/errors.ts";
import { type AttemptState, attemptState } from "../../../../integrations/payfip/outcome.ts";
import type { PayfipSettings, PaymentOutcome } from "../../../../integrations/payfip/types.ts";
import { parisToday } from "../../../../lib/dates.ts";
import type { Logger } from "../../../../lib/log.ts";
import type { Tenant } from "../../../../tenancy/resolve.ts";
import { basketInvoice } from "../../basket/basket-late-payment.ts";
import { failAttempt, openBasketAttempt, reopenBasket } from "../../basket/basket-payment.ts";
import { recordPayment } from "../ledger.ts";
import { STRANDED_AFTER_MS } from "./attempt-row.ts";
import { openAttempt } from "./invoice-attempt.ts";

const TERMINAL = ["paid", "refused", "cancelled", "expired", "error"];

export type Payer = {
  tenant: Tenant;
  userId: string;
  householdId: string;
  email: string;
  now: Date;
  origin: string;
};
type Opened = Awaited<ReturnType<typeof openAttempt>>;

/**
 * Asks PayFiP for a payment page (outside any transaction) and returns where to send the
 * browser. A failure closes the attempt with its French message; no money can move on it.
 */
export function startPayment(tx: Transact, ctx: Payer, invoiceId: string, payfip: PayfipSettings) {
  const open = (trx: Trx) => openAttempt(trx, ctx.tenant, ctx.userId, ctx.householdId, invoiceId, ctx.now);
  return startAttempt(tx, ctx, payfip, open);
}

/**
 * « Valider et payer » (« Mon panier »): the same path for a basket's attempt. A previous
 * attempt still pending is first asked of PayFiP (docs/payfip.md « Avoid double payment »): paid,
 * the browser goes to the receipt; over, a new attempt opens; still payable, a 409 says so.
 */
export async function startBasketPayment(
  tx: { parent: Transact; jobs: Transact },
  ctx: Payer,
  basketId: string,
  payfip: PayfipSettings,
  log: Logger,
) {
  const previous = await tx.parent((trx) =>
    trx
      .selectFrom("payment_attempts")
      .select("idop")
      .where("basket_id", "=", basketId)
      .where("state", "=", "pending")
      .where("idop", "is not", null)
      .orderBy("created_at", "desc")
      .executeTakeFirst(),
  );
  // PayFiP not answering: the basket stays held and the 409 below says to retry later.
  const settled =
    previous?.idop &&
    (await settleAttempt(tx.jobs, ctx.tenant, previous.idop, payfip, log, ctx.now).catch((err: unknown) => {
      log.warn({ err, idOp: previous.idop }, "payfip: previous basket attempt not checked");
      return "unchanged";
    }));
  if (settled === "paid") {
    const paid = await tx.parent((trx) =>
      trx.selectFrom("baskets").select("invoice_id").where("id", "=", basketId).executeTakeFirst(),
    );
    if (paid?.invoice_id) return `/factures/${paid.invoice_id}`;
  }
  return startAttempt(tx.parent, ctx, payfip, (trx) => openBasketAttempt(trx, ctx, basketId));
}

async function startAttempt(
  tx: Transact,
  ctx: Payer,
  payfip: PayfipSettings,
  open: (trx: Trx) => Promise<Opened>,
): Promise<string> {
  const a = await tx(open);
  try {
    const idOp = await createPage(ctx, payfip, a);
    await tx((trx) =>
      trx
        .updateTable("payment_attempts")
        .set({ idop: idOp, state: "pending", updated_at: sql`now()` })
        .where("id", "=", a.attemptId)
        .execute(),
    );
    return paymentPageUrl(payfip.base, idOp);
  } catch (error) {
    // Staff see the technical detail on the attempt; the parent is told in plain French.
    const detail = error instanceof PayfipError ? error.message : String(error);
    const message =
      error instanceof PayfipFunctionalError || error instanceof PayfipInputError
        ? error.message
        : "le service de paiement ne répond pas. Réessayez dans quelques minutes.";
    await tx((trx) => failAttempt(trx, a.attemptId, detail.slice(0, 500)));
    throw new AppError("bad_request", 502, `Le paiement en ligne n'a pas pu commencer : ${message}`);
  }
}

/** PayFiP's create call for the attempt: its idOp, the payment page's key. */
async function createPage(ctx: Payer, payfip: PayfipSettings, a: Opened): Promise<string> {
  // Capped below STRANDED_AFTER_MS: past it, an attempt without idOp is known to be dead.
  const budget = withinBudget(payfip.budgetMs, STRANDED_AFTER_MS - 5_000);
  const { idOp } = await createPayment(
    {
      endpoint: soapEndpoint(payfip.base),
      numcli: a.numcli,
      exer: a.exer,
      refdet: a.refdet,
      objet: a.objet,
      montantCents: a.amountCents,
      mel: ctx.email,
      urlnotif: `${ctx.origin}/paiement/notification`,
      urlredirect: `${ctx.origin}/paiement/retour`,
      saisie: payfip.saisie,
    },
    budget,
  );
  return idOp;
}

export type Settlement =
  | "unknown"
  | "unchanged"
  | "pending"
  | "paid"
  | "refused"
  | "cancelled"
  | "expired"
  | "error";

/**
 * The result of an attempt, only from recupererDetailPaiementSecurise (architecture §5.9), for a
 * return, a notification or the polling job alike. Idempotent: a terminal attempt is left
 * alone, and the payment's unique attempt id records it once whatever arrives twice.
 */
export async function settleAttempt(
  /** As the town's jobs persona: a return, a notification or the polling job alike. */
  jobs: Transact,
  tenant: Tenant,
  idOp: string,
  payfip: PayfipSettings,
  log: Logger,
  now = new Date(),
): Promise<Settlement> {
  const found = await jobs((trx) =>
    trx.selectFrom("payment_attempts").select(["id", "state"]).where("idop", "=", idOp).executeTakeFirst(),
  );
  if (!found) {
    log.warn({ tenant: tenant.slug, idOp }, "payfip: result for an unknown idOp ignored");
    return "unknown";
  }
  if (TERMINAL.includes(found.state)) return "unchanged";
  const outcome = await paymentDetail(
    { endpoint: soapEndpoint(payfip.base), idOp },
    withinBudget(payfip.budgetMs),
  );
  return jobs(async (trx) => {
    const a = await trx
      .selectFrom("payment_attempts")
      .selectAll()
      .where("id", "=", found.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (TERMINAL.includes(a.state)) return "unchanged";
    const state = await applyOutcome(trx, { tenant, log, now }, a, outcome);
    await trx
      .updateTable("payment_attempts")
      .set({
        state,
        result: "detail" in outcome ? JSON.stringify(outcome.detail) : null,
        checks: sql`checks + 1`,
        updated_at: sql`now()`,
      })
      .where("id", "=", a.id)
      .execute();
    return state;
  });
}

type Settling = { tenant: Tenant; log: Logger; now: Date };
type LockedAttempt = Selectable<PaymentAttemptsTable>;

/**
 * What PayFiP's outcome does to the locked attempt: paid, its payment recorded on its invoice
 * (a basket's, issued now); over, or abandoned, its basket reopened. Returns its new state.
 */
async function applyOutcome(trx: Trx, s: Settling, a: LockedAttempt, outcome: PaymentOutcome) {
  const { state, invoiceId } = await paidInvoice(trx, s, a, outcome);
  if (state === "paid" && invoiceId && outcome.status === "paid") {
    await recordPayment(
      trx,
      s.tenant,
      { kind: "system", userId: a.created_by },
      {
        invoiceId,
        method: outcome.method === "debit" ? "payfip_debit" : "payfip_card",
        amountCents: Number(a.amount_cents),
        receivedOn: parisToday(s.now),
        reference: `PayFiP ${outcome.detail.numauto ?? a.refdet}`,
      },
      a.id,
    );
  } else if (a.basket_id && (state !== "pending" || outcome.status === "abandoned"))
    // « Abandonner » frees the basket at once; the attempt is still checked until final.
    await reopenBasket(trx, a.id);
  return state;
}

/**
 * The attempt's state from the outcome, and for a paid one the invoice the money goes on (a
 * paid basket becomes its invoice, its bookings confirmed, in this transaction). A paid amount
 * that differs, or no invoice to record it on, is an error for staff.
 */
async function paidInvoice(
  trx: Trx,
  s: Settling,
  a: LockedAttempt,
  outcome: PaymentOutcome,
): Promise<{ state: AttemptState; invoiceId: string | null }> {
  const state = attemptState(outcome, a.created_at, s.now);
  if (state !== "paid") return { state, invoiceId: a.invoice_id };
  if ("detail" in outcome && Number(outcome.detail.montant) !== Number(a.amount_cents)) {
    s.log.error({ tenant: s.tenant.slug, attempt: a.id }, "payfip: paid amount differs from the attempt");
    return { state: "error", invoiceId: a.invoice_id };
  }
  const invoiceId = a.basket_id ? await basketInvoice(trx, s.tenant, a, s.now, s.log) : a.invoice_id;
  if (invoiceId) return { state, invoiceId };
  s.log.error({ tenant: s.tenant.slug, attempt: a.id }, "payfip: paid basket expired, money to refund");
  return { state: "error", invoiceId };
}

/** An attempt's state, invoice, household and PayFiP's `resultrans`, by its idOp. */
export function attemptByIdOp(trx: Trx, idOp: string) {
  return trx
    .selectFrom("payment_attempts")
    .select([
      "state",
      "invoice_id",
      "household_id",
      sql<string | null>`result->>'resultrans'`.as("resultrans"),
    ])
    .where("idop", "=", idOp)
    .executeTakeFirst();
}
