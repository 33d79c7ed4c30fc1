import { randomUUID } from "node:crypto";
import type { Trx } from "../../../db/database.ts";
import { nextNumbers } from "../../../lib/counters.ts";
import {
  type InvoiceRow,
  type IssueHeader,
  insertInvoices,
  insertLines,
  type LineFields,
  type LineRow,
} from "./issue-repo.ts";

/**
 * Where every invoice and credit note is created: the monthly run (many at once), a paid
 * basket (one) and an avoir (one, credit_note). Each is numbered on its régie's gapless
 * counter (« invoice:<régie> » or « credit:<régie> »), moved once for the whole batch in the
 * caller's transaction; its total is the sum of its lines.
 */

export interface IssueLine extends LineFields {
  bookingId?: string | null;
  /** On a credit note: the invoice line it credits. */
  creditsLineId?: string | null;
}

export interface IssueDocument {
  householdId: string;
  lines: IssueLine[];
  creditedInvoiceId?: string;
  treasuryCorrection?: { kind: "reduction" | "annulation"; ref: string } | null;
}

export interface IssueBatch extends Omit<IssueHeader, "month" | "runId" | "dueOn"> {
  /** The number's prefix: the régie's (« AL- »), « AV-AL- » for a credit note. */
  prefix: string;
  month?: string | null;
  runId?: string | null;
  dueOn?: string | null;
}

export interface IssuedInvoice {
  invoiceId: string;
  householdId: string;
  number: string;
  totalCents: number;
}

const sum = (lines: IssueLine[]) => lines.reduce((s, l) => s + l.amountCents, 0);

/** The documents as invoice rows, numbered from `first` in their order. */
function invoiceRows(prefix: string, docs: IssueDocument[], first: number): InvoiceRow[] {
  return docs.map((d, i) => ({
    id: randomUUID(),
    householdId: d.householdId,
    seq: first + i,
    number: `${prefix}${first + i}`,
    totalCents: sum(d.lines),
    creditedInvoiceId: d.creditedInvoiceId ?? null,
    treasuryCorrection: d.treasuryCorrection?.kind ?? null,
    treasuryCorrectionRef: d.treasuryCorrection?.ref ?? null,
  }));
}

/** Every document's lines, on its invoice row, at their position. */
function lineRows(docs: IssueDocument[], rows: InvoiceRow[]): LineRow[] {
  return docs.flatMap((d, i) =>
    d.lines.map((l, position) => ({
      ...l,
      bookingId: l.bookingId ?? null,
      creditsLineId: l.creditsLineId ?? null,
      invoiceId: (rows[i] as InvoiceRow).id,
      householdId: d.householdId,
      position,
    })),
  );
}

/** The gapless counter a batch's numbers come from: « invoice:<régie> » or « credit:<régie> ». */
export const counterOf = (batch: Pick<IssueBatch, "kind" | "regieId">) =>
  `${batch.kind === "invoice" ? "invoice" : "credit"}:${batch.regieId}`;

/** Issues the documents, numbered in their order; returns them in the same order. */
export async function issueInvoices(
  trx: Trx,
  batch: IssueBatch,
  docs: IssueDocument[],
): Promise<IssuedInvoice[]> {
  if (docs.length === 0) return [];
  const first = await nextNumbers(trx, batch.tenantId, counterOf(batch), docs.length);
  return issueNumbered(trx, batch, docs, first);
}

/**
 * Issues the documents numbered from `first`, for a caller that holds the counter itself and
 * moves it by what it issued in the same transaction (a monthly run issued in slices).
 */
export async function issueNumbered(
  trx: Trx,
  batch: IssueBatch,
  docs: IssueDocument[],
  first: number,
): Promise<IssuedInvoice[]> {
  if (docs.length === 0) return [];
  const rows = invoiceRows(batch.prefix, docs, first);
  const dated = {
    ...batch,
    month: batch.month ?? null,
    runId: batch.runId ?? null,
    dueOn: batch.dueOn ?? null,
  };
  await insertInvoices(trx, dated, rows);
  await insertLines(trx, batch.tenantId, lineRows(docs, rows));
  return rows.map((r) => ({
    invoiceId: r.id,
    householdId: r.householdId,
    number: r.number,
    totalCents: r.totalCents,
  }));
}
