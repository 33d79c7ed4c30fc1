import { sql } from "kysely";
import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import { ATTEMPT_WINDOW_MS } from "../../../integrations/payfip/outcome.ts";
import { parisDateTime, parisToday } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { confirmPaidDays } from "../../planning/booking/status/status-service.ts";
import { type IssuedInvoice, issueInvoices } from "../invoices/issue-service.ts";
import { availableCredit, creditShare, lockAccount, spendCredit } from "../payments/credit-ledger.ts";
import { closeStranded, insertAttempt } from "../payments/online/attempt-row.ts";
import { euros, type PricedLine } from "../pricing/pricing.ts";
import { basketsWithRegie, daysOf, type Owner, pricedLines } from "./basket-service.ts";

/**
 * Paying « Mon panier » online (payments/online/online-payment.ts drives PayFiP): the attempt on a basket,
 * and what its result does to the basket, in the transaction that settles the attempt.
 */

/**
 * A paid basket: its invoice (issued, numbered on the régie's counter, one line per priced
 * day with its booking), its days confirmed (accepted, or pending where the period reviews)
 * and a receipt e-mailed. Returns the invoice to record the payment on, or null when the
 * basket is not waiting for this payment.
 */
export async function invoiceBasket(trx: Trx, tenant: Tenant, basketId: string, now: Date) {
  const k = await basketsWithRegie(trx)
    .select([
      "k.id",
      "k.state",
      "k.household_id",
      "k.regie_id",
      "k.priced",
      "k.created_by",
      "k.credit_cents",
      "r.invoice_prefix",
      "r.name",
    ])
    .where("k.id", "=", basketId)
    .forUpdate("k")
    .executeTakeFirst();
  if (k?.state !== "paying") return null;
  const lines = k.priced as Required<PricedLine>[];
  const invoice = await issueInvoice(trx, tenant, k, lines, parisToday(now));
  await confirmPaidDays(trx, k.id, k.created_by);
  await trx
    .updateTable("baskets")
    .set({ state: "paid", invoice_id: invoice.id, updated_at: sql`now()` })
    .where("id", "=", k.id)
    .execute();
  // The credit reserved at « Valider et payer » settles its share of the invoice.
  const account = { householdId: k.household_id, regieId: k.regie_id };
  await spendCredit(trx, tenant.id, { ...account, id: invoice.id }, Number(k.credit_cents));
  await mailReceipt(trx, tenant, k, invoice.number, lines);
  return invoice.id;
}

/** « Mon panier » paid: the receipt e-mailed to the household, its lines and the credit used. */
async function mailReceipt(
  trx: Trx,
  tenant: Tenant,
  k: { household_id: string; name: string; credit_cents: string | number },
  number: string,
  lines: Required<PricedLine>[],
) {
  const credit = Number(k.credit_cents);
  await notifyHousehold(trx, tenant, k.household_id, {
    template: "billing-basket-paid",
    data: {
      number,
      regie: k.name,
      total: euros(lines.reduce((s, l) => s + l.amountCents, 0)),
      credit: credit > 0 ? euros(credit) : null,
      lines: lines.map((l) => ({ label: l.label, amount: euros(l.amountCents) })),
    },
  });
}

type PaidBasket = { household_id: string; regie_id: string; invoice_prefix: string };

/** The basket's invoice, issued and due today, one line per priced day with its booking. */
async function issueInvoice(
  trx: Trx,
  tenant: Tenant,
  k: PaidBasket,
  lines: Required<PricedLine>[],
  today: string,
) {
  const batch = {
    tenantId: tenant.id,
    regieId: k.regie_id,
    kind: "invoice" as const,
    prefix: k.invoice_prefix,
  };
  const doc = { householdId: k.household_id, lines: lines.map((l) => ({ ...l, bookingId: l.ref })) };
  const [issued] = await issueInvoices(trx, { ...batch, issuedOn: today, dueOn: today }, [doc]);
  const invoice = issued as IssuedInvoice;
  return { id: invoice.invoiceId, number: invoice.number };
}

export const BASKET_EXPIRED =
  "Votre panier a expiré : le délai de paiement est dépassé et ses réservations sont annulées.";

/** The household's open basket, locked, still in time; 404 or 409 with the reason otherwise. */
async function payableBasket(trx: Trx, o: Owner, basketId: string) {
  const k = await basketsWithRegie(trx)
    .select(["k.id", "k.state", "k.expires_at", "k.regie_id", "r.numcli"])
    .where("k.id", "=", basketId)
    .where("k.household_id", "=", o.householdId)
    .forUpdate("k")
    .executeTakeFirst();
  if (k?.state === "expired") throw new AppError("bad_request", 409, BASKET_EXPIRED);
  if (!k || (k.state !== "open" && k.state !== "paying")) throw notFound();
  if (k.state === "paying" && (await releaseStranded(trx, k.id, o.now)))
    return payableBasket(trx, o, basketId);
  if (k.state === "paying") throw new AppError("bad_request", 409, await underWay(trx, k.id));
  if (k.expires_at <= o.now) throw new AppError("bad_request", 409, BASKET_EXPIRED);
  return k;
}

/**
 * The open basket, still in time, goes to "paying" with its lines priced and frozen and the
 * family's credit in the régie reserved for it (at most its total).
 */
export async function freezeBasket(trx: Trx, o: Owner, basketId: string) {
  const k = await payableBasket(trx, o, basketId);
  const lines = await pricedLines(trx, o.tenant, o.householdId, await daysOf(trx, k.id));
  const total = lines.reduce((s, l) => s + l.amountCents, 0);
  if (total <= 0) throw new AppError("bad_request", 409, "Votre panier est vide : il n'y a rien à payer.");
  const account = { householdId: o.householdId, regieId: k.regie_id };
  await lockAccount(trx, account);
  const credit = creditShare(total, await availableCredit(trx, account));
  await trx
    .updateTable("baskets")
    .set({ state: "paying", priced: JSON.stringify(lines), credit_cents: credit, updated_at: sql`now()` })
    .where("id", "=", k.id)
    .execute();
  return { k, total, credit };
}

/**
 * « Valider et payer »: the attempt's amount is the frozen lines' total less the credit
 * reserved, never a figure from the form.
 */
export async function openBasketAttempt(trx: Trx, o: Owner, basketId: string) {
  const { k, total, credit } = await freezeBasket(trx, o, basketId);
  if (credit >= total) throw new AppError("bad_request", 409, "Ce panier est réglé par votre avoir.");
  return insertAttempt(trx, {
    ...o,
    regie: { id: k.regie_id, numcli: k.numcli },
    on: { basket_id: k.id },
    amountCents: total - credit,
    ref: "PANIER",
    objet: "reservation",
  });
}

/**
 * The basket's attempt stranded without an idOp (the process died during the create call)
 * is closed and the basket reopened, its deadline pushed back by the time it lost.
 * Returns false when there is none.
 */
export async function releaseStranded(trx: Trx, basketId: string, now: Date): Promise<boolean> {
  const stale = await closeStranded(trx, "basket_id", basketId, now)
    .returning(["id", "created_at"])
    .executeTakeFirst();
  if (!stale) return false;
  const lost = now.getTime() - stale.created_at.getTime();
  await reopenBasket(trx, stale.id);
  await trx
    .updateTable("baskets")
    .set({ expires_at: sql`expires_at + make_interval(secs => ${lost / 1000})` })
    .where("id", "=", basketId)
    .execute();
  return true;
}

/** The basket's newest attempt still live (created, or pending on PayFiP's page). */
export function liveAttempt(trx: Trx, basketId: string) {
  return trx
    .selectFrom("payment_attempts")
    .select(["id", "idop", "created_at"])
    .where("basket_id", "=", basketId)
    .where("state", "in", ["created", "pending"])
    .orderBy("created_at", "desc")
    .executeTakeFirst();
}

/** Why « Valider et payer » waits: the basket's page may still be paid, until when (Paris time). */
async function underWay(trx: Trx, basketId: string) {
  const a = await liveAttempt(trx, basketId);
  const until = a ? parisDateTime(new Date(a.created_at.getTime() + ATTEMPT_WINDOW_MS)).split(" ")[1] : null;
  return `Un paiement de ce panier est en cours sur la page de paiement sécurisée. Si vous l'avez quitté sans payer, réessayez ${until ? `après ${until}` : "dans 20 minutes"}.`;
}

/**
 * An attempt that will not be paid (refused, abandoned, failed): its basket may be paid
 * again, unless a newer attempt already holds it. Its frozen lines stay until the next
 * freeze: an abandoned page paid late pays those of them still in the basket.
 */
export async function reopenBasket(trx: Trx, attemptId: string) {
  await trx
    .updateTable("baskets")
    .set({ state: "open", credit_cents: 0, updated_at: sql`now()` })
    .where("state", "=", "paying")
    .where("id", "=", (eb) =>
      eb.selectFrom("payment_attempts").select("basket_id").where("id", "=", attemptId),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("payment_attempts as n")
            .innerJoin("payment_attempts as o", "o.basket_id", "n.basket_id")
            .select("n.id")
            .where("o.id", "=", attemptId)
            .whereRef("n.created_at", ">", "o.created_at"),
        ),
      ),
    )
    .execute();
}

/** An attempt PayFiP will not take (no answer, a fault): closed with why, its basket reopened. */
export async function failAttempt(trx: Trx, attemptId: string, error: string) {
  await trx
    .updateTable("payment_attempts")
    .set({ state: "error", error, updated_at: sql`now()` })
    .where("id", "=", attemptId)
    .execute();
  await reopenBasket(trx, attemptId);
}
