import { sql } from "kysely";
import type { Transact, Trx } from "../../../db/database.ts";
import { AppError } from "../../../http/errors.ts";
import {
  createPayment,
  paymentDetail,
  paymentPageUrl,
  soapEndpoint,
  withinBudget,
} from "../../../integrations/payfip/client.ts";
import { PayfipError, PayfipFunctionalError, PayfipInputError } from "../../../integrations/payfip/errors.ts";
import { attemptState } from "../../../integrations/payfip/outcome.ts";
import type { PayfipSettings } from "../../../integrations/payfip/types.ts";
import { parisToday } from "../../../lib/dates.ts";
import type { Logger } from "../../../lib/log.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { basketInvoice } from "../basket/basket-late-payment.ts";
import { openBasketAttempt, reopenBasket, STRANDED_AFTER_MS } from "../basket/basket-payment.ts";
import { openAttempt } from "./invoice-attempt.ts";
import { recordPayment } from "./ledger.ts";

const TERMINAL = ["paid", "refused", "cancelled", "expired", "error"];

type Payer = {
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
    await tx(async (trx) => {
      await trx
        .updateTable("payment_attempts")
        .set({ state: "error", error: detail.slice(0, 500), updated_at: sql`now()` })
        .where("id", "=", a.attemptId)
        .execute();
      await reopenBasket(trx, a.attemptId);
    });
    throw new AppError("bad_request", 502, `Le paiement en ligne n'a pas pu commencer : ${message}`);
  }
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
    let state = attemptState(outcome, a.created_at, now);
    if (
      state === "paid" &&
      "detail" in outcome &&
      Number(outcome.detail.montant) !== Number(a.amount_cents)
    ) {
      log.error({ tenant: tenant.slug, attempt: a.id }, "payfip: paid amount differs from the attempt");
      state = "error";
    }
    // A paid basket becomes its invoice (and its bookings confirmed) in this transaction.
    const invoiceId =
      state === "paid" && a.basket_id ? await basketInvoice(trx, tenant, a, now, log) : a.invoice_id;
    if (state === "paid" && !invoiceId) {
      log.error({ tenant: tenant.slug, attempt: a.id }, "payfip: paid basket expired, money to refund");
      state = "error";
    }
    if (state === "paid" && invoiceId && "detail" in outcome && outcome.status === "paid") {
      await recordPayment(
        trx,
        tenant,
        { kind: "system", userId: a.created_by },
        {
          invoiceId,
          method: outcome.method === "debit" ? "payfip_debit" : "payfip_card",
          amountCents: Number(a.amount_cents),
          receivedOn: parisToday(now),
          reference: `PayFiP ${outcome.detail.numauto ?? a.refdet}`,
        },
        a.id,
      );
    } else if (a.basket_id && (state !== "pending" || outcome.status === "abandoned"))
      // « Abandonner » frees the basket at once; the attempt is still checked until final.
      await reopenBasket(trx, a.id);
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
