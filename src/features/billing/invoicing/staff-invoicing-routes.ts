import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { requireStaff } from "../../../auth/middleware.ts";
import { AppError } from "../../../http/errors.ts";
import { readForm, uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { addMonths, monthLabel, parisDateTime, parisToday, parseMonth } from "../../../lib/dates.ts";
import { invoicePdf } from "../invoices/invoice-pdf.ts";
import { staffCreditRoutes } from "../invoices/staff-credit-routes.ts";
import {
  FORMAT,
  invoiceList,
  invoiceNumber,
  LIST_LIMIT,
  pastRuns,
  STATES,
  showInvoice,
  staffScope,
} from "../invoices/staff-invoices-view.ts";
import { staffCheckRoutes } from "../payments/accounts-check/staff-check-routes.ts";
import { refundStaffRoutes } from "../payments/refunds/refund-routes.ts";
import { billingStaffPaymentRoutes } from "../payments/staff-payments-routes.ts";
import { regiesByName } from "../settings/settings-service.ts";
import { requestRun } from "./invoicing-requests.ts";
import { previewRun } from "./invoicing-service.ts";
import { staffRunProgressRoutes } from "./staff-run-progress-routes.ts";

interface RunChoice {
  regie?: string;
  mois?: string;
}

/** « Facturation »: the runs page, with the preview of the chosen régie and month. */
async function showRuns(
  c: Context<AppEnv>,
  deps: Deps,
  choice: RunChoice,
  problem: string | null = null,
  status: ContentfulStatusCode = 200,
  fieldErrors: Record<string, string> = {},
) {
  const tenant = c.get("tenant");
  const lastMonth = addMonths(parisToday(deps.now()).slice(0, 7), -1);
  const data = await inTransaction(c, deps.db, async (trx) => {
    const regies = await regiesByName(trx);
    const regie = regies.find((r) => r.id === choice.regie);
    const month = parseMonth(choice.mois);
    const wanted = choice.regie !== undefined || choice.mois !== undefined;
    const preview = wanted && regie && month ? await previewRun(trx, tenant, regie.id, month) : null;
    const errors: Record<string, string> = { ...fieldErrors };
    if (wanted && !regie) errors.regie = "Choisissez une régie.";
    if (wanted && !month) errors.mois = "Choisissez un mois.";
    return { regies, preview, errors, runs: await pastRuns(trx) };
  });
  const emises = Number(c.req.query("emises"));
  return page(
    c,
    "billing/staff/runs",
    {
      ...data,
      ...FORMAT,
      monthLabel,
      dateTime: parisDateTime,
      values: { regie: choice.regie ?? data.regies[0]?.id ?? "", mois: choice.mois ?? lastMonth },
      problem,
      issued: Number.isInteger(emises) && c.req.query("emises") ? emises : null,
    },
    Object.keys(data.errors).length && status === 200 ? 422 : status,
  );
}

const text = z.string().default("");
const issueSchema = z.object({ regie: text, mois: text, confirmer: text, factures: text, total: text });

/**
 * « Émettre les factures »: asks the job worker for the run once staff ticked the confirmation
 * of the totals shown, then shows its progress; or shows at once why not (422 too early or
 * not confirmed, 409 nothing left or a run under way). Totals changed since: the job says so.
 */
async function issue(c: Context<AppEnv>, deps: Deps) {
  const form = await readForm(c, issueSchema);
  const body = form.ok ? form.data : { regie: "", mois: "", confirmer: "", factures: "", total: "" };
  const choice = { regie: body.regie, mois: body.mois };
  const month = parseMonth(choice.mois);
  if (!month) return showRuns(c, deps, choice);
  if (body.confirmer !== "oui") {
    const confirmer = "Cochez la case pour confirmer l'émission des factures.";
    return showRuns(c, deps, choice, null, 422, { confirmer });
  }
  const { actor } = staffScope(c);
  try {
    const id = await inTransaction(c, deps.db, async (trx) => {
      const regies = await regiesByName(trx);
      if (!regies.some((r) => r.id === choice.regie)) return null;
      return requestRun(trx, c.get("tenant"), actor, choice.regie, month, deps.now(), {
        confirmed: true,
        invoiceCount: Number(body.factures),
        totalCents: Number(body.total),
      });
    });
    if (!id) return showRuns(c, deps, choice);
    return seeOther(c, `/agents/facturation/emissions/${id}`);
  } catch (err) {
    if (err instanceof AppError && (err.status === 409 || err.status === 422))
      return showRuns(c, deps, choice, err.message, err.status);
    throw err;
  }
}

/** « Factures »: search by household, N° Famille or number; filter by régie and state. */
async function listInvoices(c: Context<AppEnv>, deps: Deps) {
  const state = STATES.find((s) => s === c.req.query("etat")) ?? null;
  const q = (c.req.query("q") ?? "").slice(0, 100);
  const data = await inTransaction(c, deps.db, async (trx) => {
    const regies = await regiesByName(trx);
    const regieId = regies.find((r) => r.id === c.req.query("regie"))?.id ?? null;
    return { regies, regieId, rows: await invoiceList(trx, { q, regieId, state }) };
  });
  return page(c, "billing/staff/invoices", { ...data, ...FORMAT, q, state, STATES, limit: LIST_LIMIT });
}

/** The invoice or avoir as a PDF, shown in the browser. */
async function pdfOf(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  const { number, pdf } = await inTransaction(c, deps.db, async (trx) => ({
    number: await invoiceNumber(trx, id),
    pdf: await invoicePdf(trx, c.get("tenant"), id),
  }));
  return c.body(new Uint8Array(pdf), 200, {
    "Content-Type": "application/pdf",
    "Content-Disposition": `inline; filename="${number.replace(/[^A-Za-z0-9-]/g, "")}.pdf"`,
    "X-Content-Type-Options": "nosniff",
  });
}

/** Staff billing: runs, invoices, avoirs, Treasury; payments and PayFiP attempts. Mounted at /agents. */
export function billingStaffInvoicingRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use("/facturation", requireStaff);
  app.use("/facturation/*", requireStaff);
  app.get("/facturation", (c) =>
    showRuns(c, deps, { regie: c.req.query("regie"), mois: c.req.query("mois") }),
  );
  app.post("/facturation/emettre", (c) => issue(c, deps));
  app.get("/facturation/factures", (c) => listInvoices(c, deps));
  app.get("/facturation/factures/:id", (c) => showInvoice(c, deps, uuidParam(c, "id")));
  app.get("/facturation/factures/:id/pdf", (c) => pdfOf(c, deps));
  app.route("/", staffRunProgressRoutes(deps));
  app.route("/", staffCreditRoutes(deps));
  app.route("/", billingStaffPaymentRoutes(deps));
  app.route("/", refundStaffRoutes(deps));
  app.route("/", staffCheckRoutes(deps));
  return app;
}
