import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { requireParent } from "../../../auth/middleware.ts";
import { notFound } from "../../../http/errors.ts";
import { uuidParam } from "../../../http/forms.ts";
import { page } from "../../../http/render.ts";
import { callerHousehold, callerTransact, inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { parisToday } from "../../../lib/dates.ts";
import { startPayment } from "../payments/online/online-payment.ts";
import { explained, payerOf } from "../payments/online/payment-routes.ts";
import { refundParentRoutes, showStatement } from "../payments/refunds/refund-routes.ts";
import { statementPdf } from "../statement/statement-pdf.ts";
import { invoicePdf } from "./invoice-pdf.ts";
import { FMT, householdInvoices, householdPayments, invoiceDetail, STATE_FILTERS } from "./invoices-view.ts";

/** « Mes factures » (all régies), invoice detail and PDF, online payment, « Relevé de compte ». Mounted at /. */
export function billingParentRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/factures", requireParent);
  app.use("/factures/*", requireParent);
  app.use("/releve", requireParent);
  app.use("/releve/*", requireParent);
  app.get("/factures", (c) => listInvoices(c, deps));
  app.get("/factures/:id", (c) => showInvoice(c, deps));
  app.get("/factures/:id/apercu", (c) => sendInvoicePdf(c, deps, "inline"));
  app.get("/factures/:id/telecharger", (c) => sendInvoicePdf(c, deps, "attachment"));
  app.post("/factures/:id/payer", (c) => pay(c, deps));
  app.get("/releve", (c) => showStatement(c, deps));
  app.route("/", refundParentRoutes(deps));
  app.get("/releve/pdf", (c) => sendStatementPdf(c, deps));
  return app;
}

/** « Mes factures »: every invoice of the household, filtered by state, and its payments. */
async function listInvoices(c: Context<AppEnv>, deps: Deps) {
  const householdId = callerHousehold(c);
  const { invoices, payments } = await inTransaction(c, deps.db, async (trx) => ({
    invoices: await householdInvoices(trx, householdId),
    payments: await householdPayments(trx, householdId),
  }));
  const state = STATE_FILTERS.some((f) => f.key === c.req.query("etat")) ? c.req.query("etat") : "";
  return page(c, "billing/parent/index", {
    invoices: state ? invoices.filter((i) => i.state === state) : invoices,
    toPay: invoices.filter((i) => i.state === "to_pay" || i.state === "partly_paid").length,
    payments,
    states: STATE_FILTERS,
    state,
    fmt: FMT,
  });
}

/** The household's own invoice as a PDF, shown (« apercu ») or downloaded. */
async function sendInvoicePdf(c: Context<AppEnv>, deps: Deps, disposition: "inline" | "attachment") {
  const id = uuidParam(c, "id");
  const { pdf, number } = await inTransaction(c, deps.db, async (trx) => {
    const found = await invoiceDetail(trx, id, callerHousehold(c));
    if (!found) throw notFound();
    return { pdf: await invoicePdf(trx, c.get("tenant"), id), number: found.invoice.number };
  });
  return c.body(new Uint8Array(pdf), 200, {
    "Content-Type": "application/pdf",
    "Content-Disposition": `${disposition}; filename="facture-${number.replace(/[^A-Za-z0-9-]/g, "")}.pdf"`,
  });
}

/** « Payer en ligne »: off to PayFiP's page, or the invoice again with the refusal's message. */
async function pay(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  try {
    return c.redirect(await startPayment(callerTransact(c, deps.db), payerOf(c, deps), id, deps.payfip), 303);
  } catch (error) {
    const why = explained(error);
    c.env.log.warn({ invoice: id, reason: why.message }, "online payment refused");
    return showInvoice(c, deps, why.message, why.status);
  }
}

/** « Relevé de compte » of a year (and a régie) as a PDF download. */
async function sendStatementPdf(c: Context<AppEnv>, deps: Deps) {
  const { pdf, year } = await inTransaction(c, deps.db, (trx) =>
    statementPdf(trx, c.get("tenant"), callerHousehold(c), parisToday(deps.now()), {
      year: c.req.query("annee"),
      regieId: c.req.query("regie"),
    }),
  );
  return c.body(new Uint8Array(pdf), 200, {
    "Content-Type": "application/pdf",
    "Content-Disposition": `attachment; filename="releve-de-compte-${year}.pdf"`,
    "Cache-Control": "no-store",
  });
}

/** The invoice's page: lines, payments, credit notes, state; with a refusal, its message. */
async function showInvoice(
  c: Context<AppEnv>,
  deps: Deps,
  error?: string,
  status: ContentfulStatusCode = 200,
) {
  const id = uuidParam(c, "id");
  const detail = await inTransaction(c, deps.db, (trx) => invoiceDetail(trx, id, callerHousehold(c)));
  if (!detail) throw notFound();
  return page(c, "billing/parent/show", { ...detail, error, fmt: FMT }, status);
}
