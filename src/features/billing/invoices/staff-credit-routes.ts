import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { AppError } from "../../../http/errors.ts";
import { type FormListValues, type FormState, submitForm, uuidParam } from "../../../http/forms.ts";
import { page } from "../../../http/render.ts";
import { inTransaction } from "../../../http/scope.ts";
import type { AppEnv, Deps } from "../../../http/types.ts";
import { parisToday } from "../../../lib/dates.ts";
import { euros, isUuid, many, trimmed } from "../../../lib/form-fields.ts";
import { recordTreasuryCorrection, transmitToTreasury } from "../payments/treasury-service.ts";
import { createCreditNote } from "./credit-service.ts";
import { FORMAT, invoiceDetail, invoiceForm, onInvoice } from "./staff-invoices-view.ts";

async function showCredit(
  c: Context<AppEnv>,
  deps: Deps,
  id: string,
  form: Partial<FormState<FormListValues>> = {},
  status: ContentfulStatusCode = 200,
) {
  const detail = await inTransaction(c, deps.db, (trx) => invoiceDetail(trx, id));
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

/** An amount in euros read inside a form's transform, its message kept at « montant ». */
function amountAt(value: unknown, ctx: z.RefinementCtx): number | null {
  const read = euros().safeParse(value);
  if (read.success) return read.data;
  ctx.addIssue({ code: "custom", path: ["montant"], message: read.error.issues[0]?.message ?? "" });
  return null;
}

/** The form's choice: the lines ticked, or an amount and its reason. */
const creditForm = z
  .object({
    mode: z.unknown().optional(),
    montant: z.unknown().optional(),
    motif: z.unknown().optional(),
    lignes: many(z.unknown()),
  })
  .transform((b, ctx) => {
    if (b.mode !== "montant") return { lineIds: b.lignes.filter(isUuid) };
    const amountCents = amountAt(b.montant, ctx);
    return amountCents === null ? z.NEVER : { amountCents, reason: String(b.motif ?? "") };
  });

const ORMC_SHAPE = "Le numéro de titre ORMC comporte au plus 40 lettres, chiffres, espaces, « - » ou « / ».";

const transmitForm = z.object({
  ormc: z.preprocess(
    trimmed,
    z
      .string()
      .min(1, "Indiquez le numéro du titre ORMC émis par la trésorerie.")
      .regex(/^[A-Za-z0-9][A-Za-z0-9 /-]{0,39}$/, ORMC_SHAPE),
  ),
});

const REFERENCE = "Indiquez la référence de la trésorerie (40 caractères au plus).";

/** « Réduction » needs an amount; « Annulation » takes the whole rest unless one is typed. */
const correctionForm = z
  .object({
    type: z.enum(["reduction", "annulation"], {
      message: "Choisissez « Réduction de titre » ou « Annulation de titre ».",
    }),
    reference: z.preprocess(trimmed, z.string().min(1, REFERENCE).max(40, REFERENCE)),
    montant: z.unknown().optional(),
  })
  .transform((b, ctx) => {
    const typed = b.type === "reduction" || trimmed(b.montant) !== "";
    const amountCents = typed ? amountAt(b.montant, ctx) : null;
    return typed && amountCents === null ? z.NEVER : { kind: b.type, reference: b.reference, amountCents };
  });

/** « Créer un avoir »: 422 at the field, nothing saved, when the choice or the amount is wrong. */
function credit(c: Context<AppEnv>, deps: Deps) {
  const id = uuidParam(c, "id");
  return submitForm(
    c,
    creditForm,
    {
      valid: (input) =>
        onInvoice(c, deps, id, "avoir", (trx, actor) =>
          createCreditNote(trx, c.get("tenant"), actor, id, input, parisToday(deps.now())),
        ),
      invalid: (form) => showCredit(c, deps, id, form, 422),
    },
    { all: true },
  );
}

/** « Transmettre au Trésor »: the ORMC title number is required (422 otherwise). */
const transmit = (c: Context<AppEnv>, deps: Deps) =>
  invoiceForm(c, deps, "tresor", transmitForm, (trx, actor, { ormc }, id) =>
    transmitToTreasury(trx, c.get("tenant"), actor, id, ormc, deps.now()),
  );

/** « Enregistrer une correction du Trésor public »: type, reference, amount (422 at the field). */
const correct = (c: Context<AppEnv>, deps: Deps) =>
  invoiceForm(c, deps, "correction", correctionForm, (trx, actor, input, id) =>
    recordTreasuryCorrection(trx, c.get("tenant"), actor, id, input, parisToday(deps.now())),
  );

/** « Créer un avoir » and « Transmettre au Trésor » on a staff invoice page. Mounted inside the invoicing routes. */
export function staffCreditRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get("/facturation/factures/:id/avoir", (c) => showCredit(c, deps, uuidParam(c, "id")));
  app.post("/facturation/factures/:id/avoir", (c) => credit(c, deps));
  app.post("/facturation/factures/:id/tresor", (c) => transmit(c, deps));
  app.post("/facturation/factures/:id/correction", (c) => correct(c, deps));
  return app;
}
