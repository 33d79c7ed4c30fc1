import { sql } from "kysely";
import type { Database, Trx } from "../../../db/database.ts";
import { AppError } from "../../../http/errors.ts";
import type { Logger } from "../../../lib/log.ts";
import { currentTenant } from "../../../tenancy/current.ts";
import { INVOICING_STEPS, issueRun } from "./invoicing-service.ts";

/** The issue_invoicing job's payload (the invoicing_jobs trigger writes it). */
export interface InvoicingJob {
  tenantId: string;
  id: string;
  requestedBy: string;
}

const FAILED =
  "L'émission n'a pas abouti : aucune facture n'a été émise. Relancez-la ; si cela se reproduit, contactez le support.";

interface Patch {
  state?: "running" | "failed";
  step?: number;
  problem?: string;
}

type JobRow = { month: string; regie_id: string; invoice_count: number; total_cents: string | number };

/** The run itself, in the job's transaction, ending with the job marked done. */
async function issueAndFinish(
  trx: Trx,
  job: InvoicingJob,
  row: JobRow,
  now: Date,
  onStep: (step: number) => Promise<void>,
): Promise<void> {
  const confirmation = {
    confirmed: true,
    invoiceCount: row.invoice_count,
    totalCents: Number(row.total_cents),
  };
  const actor = { kind: "staff" as const, userId: job.requestedBy };
  const tenant = await currentTenant(trx);
  const run = await issueRun(
    trx,
    tenant,
    actor,
    row.regie_id,
    row.month.slice(0, 7),
    now,
    confirmation,
    onStep,
  );
  const done = await trx
    .updateTable("invoicing_jobs")
    .set({ state: "done", step: INVOICING_STEPS.length, run_id: run.runId, issued: run.invoices.length })
    .set({ updated_at: sql`now()` })
    .where("id", "=", job.id)
    .where("state", "=", "running")
    .executeTakeFirst();
  if (!done.numUpdatedRows) throw new Error(`invoicing job ${job.id} is no longer running`);
}

/**
 * issue_invoicing: issues the run staff asked for, in one transaction as that staff member,
 * with the totals they confirmed. Each step done is recorded at once in a short transaction
 * of its own, so the page shows the progress while the run's transaction is still open. A
 * run that cannot be issued (too early, nothing more, totals changed) ends « failed » with
 * the reason; a job run again after a crash starts over (nothing of the lost run was kept).
 */
export function createInvoicingJob(db: Database, log: Logger, now: () => Date) {
  return async function issueInvoicing(job: InvoicingJob): Promise<void> {
    const ctx = { role: "app_staff" as const, tenantId: job.tenantId, userId: job.requestedBy };
    const record = (patch: Patch) =>
      db.withTenant(ctx, (trx) =>
        trx
          .updateTable("invoicing_jobs")
          .set({ ...patch, updated_at: sql`now()` })
          .where("id", "=", job.id)
          .where("state", "in", ["queued", "running"])
          .executeTakeFirst(),
      );
    const row = await db.withTenant(ctx, (trx) =>
      trx.selectFrom("invoicing_jobs").selectAll().where("id", "=", job.id).executeTakeFirst(),
    );
    if (!row || row.state === "done" || row.state === "failed") return;
    await record({ state: "running", step: 0 });
    try {
      await db.withTenant(ctx, (trx) =>
        issueAndFinish(trx, job, row, now(), (step) => record({ step }).then(() => undefined)),
      );
    } catch (err) {
      const known = err instanceof AppError && (err.status === 409 || err.status === 422);
      if (!known) log.error({ err: String(err), job: job.id }, "invoicing run failed");
      await record({ state: "failed", problem: known ? err.message : FAILED });
    }
  };
}
