import type { Trx } from "../../../db/database.ts";
import { AppError, notFound } from "../../../http/errors.ts";
import { monthLabel } from "../../../lib/dates.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { Actor } from "../../audit/service.ts";
import {
  checkMonthOver,
  INVOICING_STEPS,
  type IssueConfirmation,
  previewRun,
  TOTALS_CHANGED,
} from "./invoicing-service.ts";
import { previousRuns } from "./run-slices.ts";

/**
 * Staff ask for a run; the issue_invoicing job issues it (the row's trigger queues the job).
 * Refused at once, nothing written, when the month is not over, when a run of the same
 * régie and month is already under way, or when a complementary run would bill nothing.
 */
export async function requestRun(
  trx: Trx,
  tenant: Tenant,
  staff: Actor,
  regieId: string,
  month: string,
  now: Date,
  confirmation: IssueConfirmation,
): Promise<string> {
  checkMonthOver(month, now);
  if (!Number.isSafeInteger(confirmation.invoiceCount) || !Number.isSafeInteger(confirmation.totalCents))
    throw new AppError("bad_request", 409, TOTALS_CHANGED);
  const busy = await trx
    .selectFrom("invoicing_jobs")
    .select("id")
    .where("regie_id", "=", regieId)
    .where("month", "=", `${month}-01`)
    .where("state", "in", ["queued", "running"])
    .executeTakeFirst();
  if (busy)
    throw new AppError("bad_request", 409, "Une émission est déjà en cours pour cette régie et ce mois.");
  const issued = (await previousRuns(trx, regieId, month)).length > 0;
  // Only a complementary run is previewed here: it is small, and often there is nothing more.
  if (issued && !(await previewRun(trx, tenant, regieId, month)).households.length)
    throw new AppError(
      "bad_request",
      409,
      `Rien de plus à facturer en ${monthLabel(month)} pour cette régie.`,
    );
  const job = await trx
    .insertInto("invoicing_jobs")
    .values({
      tenant_id: tenant.id,
      regie_id: regieId,
      month: `${month}-01`,
      requested_by: staff.userId,
      invoice_count: confirmation.invoiceCount,
      total_cents: confirmation.totalCents,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return job.id;
}

/** A requested run as its page shows it: where it stands, its steps, and its outcome. */
export async function runRequest(trx: Trx, id: string) {
  const job = await trx
    .selectFrom("invoicing_jobs as j")
    .innerJoin("regies as r", "r.id", "j.regie_id")
    .selectAll("j")
    .select("r.name as regie")
    .where("j.id", "=", id)
    .executeTakeFirst();
  if (!job) throw notFound();
  return {
    ...job,
    month: job.month.slice(0, 7),
    steps: INVOICING_STEPS.map((label, i) => ({
      label,
      state: i < job.step ? "done" : i === job.step && job.state === "running" ? "current" : "todo",
    })),
  };
}
