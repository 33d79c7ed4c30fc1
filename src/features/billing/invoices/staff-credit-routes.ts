import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { AppError } from "../../../http/errors.ts";
import { uuidParam } from "../../../http/forms.ts";
import { page, seeOther } from "../../../http/render.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { parisToday } from "../../../lib/dates.ts";
import { parseEuros } from "../payments/euros-input.ts";
import { recordTreasuryCorrection, transmitToTreasury } from "../payments/treasury-service.ts";
import { CreditError, type CreditInput, createCreditNote } from "./credit-service.ts";
import { FORMAT, invoiceDetail, showInvoice, staffScope } from "./staff-invoices-view.ts";

type Values = Record<string, string | string[]>;

async function showCredit(
  c: Context<AppEnv>,
  deps: Deps,
  id: string,
  form: { values?: Values; errors?: Record<string, string> } = {},
  status: ContentfulStatusCode = 200,
) {
  const detail = await deps.db.withTenant(staffScope(c).db, (trx) => invoiceDetail(trx, id));
  if (!detail.canCredit)
    throw new AppError(
      "bad_request",
      409,
      detail.invoice.treasury_ref
        ? "Cette facture a été transmise au Trésor public : enregistrez la réduction ou l'annulation du titre."
        : "Cette facture a déjà été entièrement reprise par des avoirs.",
    );
  return page(
    c,
    "billing/staff/credit",
    { ...detail, ...FORMAT, values: form.values ?? {}, errors: form.errors ?? {} },
    status,
  );
}

/** The form's choice: the lines ticked, or an amount and its reason; or the field's French message. */
function creditInput(body: Values): CreditInput | { field: string; error: string } {
  if (body.mode === "montant") {
    const amount = parseEuros(body.montant);
    if (!amount.ok) return { field: "montant", error: amount.error };
    return { amountCents: amount.cents, reason: String(body.motif ?? "") };
  }
  const lineIds = [body.lignes ?? []].flat().filter((v) => z.uuid().safeParse(v).success);
  return { lineIds };
}

/** « Créer un avoir »: 422 at the field, nothing saved, when the choice or the amount is wrong. */
async function credit(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  const body = (await c.req.parseBody({ all: true })) as Values;
  const input = creditInput(body);
  if ("field" in input)
    return showCredit(c, deps, id, { values: body, errors: { [input.field]: input.error } }, 422);
  const { db, actor } = staffScope(c);
  try {
    const today = parisToday(deps.now());
    await deps.db.withTenant(db, (trx) => createCreditNote(trx, c.get("tenant"), actor, id, input, today));
  } catch (err) {
    if (err instanceof CreditError)
      return showCredit(c, deps, id, { values: body, errors: { [err.field]: err.message } }, 422);
    throw err;
  }
  return seeOther(c, `/agents/facturation/factures/${id}?fait=avoir`);
}

/** « Transmettre au Trésor »: the ORMC title number is required (422 otherwise). */
async function transmit(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  const body = await c.req.parseBody();
  const ormc = typeof body.ormc === "string" ? body.ormc.trim() : "";
  if (!/^[A-Za-z0-9][A-Za-z0-9 /-]{0,39}$/.test(ormc)) {
    const error = ormc
      ? "Le numéro de titre ORMC comporte au plus 40 lettres, chiffres, espaces, « - » ou « / »."
      : "Indiquez le numéro du titre ORMC émis par la trésorerie.";
    return showInvoice(c, deps, id, { form: "tresor", values: { ormc }, errors: { ormc: error } }, 422);
  }
  const { db, actor } = staffScope(c);
  await deps.db.withTenant(db, (trx) =>
    transmitToTreasury(trx, c.get("tenant"), actor, id, ormc, deps.now()),
  );
  return seeOther(c, `/agents/facturation/factures/${id}?fait=tresor`);
}

/** « Enregistrer une correction du Trésor public »: type, reference, amount (422 at the field). */
async function correct(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  const body = Object.fromEntries(
    Object.entries(await c.req.parseBody()).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  const errors: Record<string, string> = {};
  const kind = (["reduction", "annulation"] as const).find((k) => k === body.type) ?? null;
  if (!kind) errors.type = "Choisissez « Réduction de titre » ou « Annulation de titre ».";
  const reference = (body.reference ?? "").trim();
  if (!reference || reference.length > 40)
    errors.reference = "Indiquez la référence de la trésorerie (40 caractères au plus).";
  const amount = kind === "reduction" || body.montant?.trim() ? parseEuros(body.montant) : null;
  if (amount && !amount.ok) errors.montant = amount.error;
  const state = (errs: Record<string, string>) => ({
    form: "correction" as const,
    values: body,
    errors: errs,
  });
  if (!kind || Object.keys(errors).length) return showInvoice(c, deps, id, state(errors), 422);
  const { db, actor } = staffScope(c);
  const input = { kind, reference, amountCents: amount?.ok ? amount.cents : null };
  try {
    const today = parisToday(deps.now());
    await deps.db.withTenant(db, (trx) =>
      recordTreasuryCorrection(trx, c.get("tenant"), actor, id, input, today),
    );
  } catch (err) {
    if (err instanceof CreditError) return showInvoice(c, deps, id, state({ montant: err.message }), 422);
    throw err;
  }
  return seeOther(c, `/agents/facturation/factures/${id}?fait=correction`);
}

/** « Créer un avoir » and « Transmettre au Trésor » on a staff invoice page. Mounted inside the invoicing routes. */
export function staffCreditRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/facturation/factures/:id/avoir", (c) => showCredit(c, deps, uuidParam(c, "id")));
  app.post("/facturation/factures/:id/avoir", (c) => credit(c, deps));
  app.post("/facturation/factures/:id/tresor", (c) => transmit(c, deps));
  app.post("/facturation/factures/:id/correction", (c) => correct(c, deps));
  return app;
}
