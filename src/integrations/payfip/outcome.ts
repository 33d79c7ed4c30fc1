import { DETAIL_FIELD_ORDER, type PaymentDetail, type PaymentOutcome } from "./types.ts";

/** A `return` element read by local names; missing fields are empty, `numauto` stays absent. */
export function toDetail(fields: Record<string, string>): PaymentDetail {
  const detail = Object.fromEntries(
    DETAIL_FIELD_ORDER.filter((k) => k !== "numauto").map((k) => [k, fields[k] ?? ""]),
  ) as Omit<PaymentDetail, "numauto">;
  return fields.numauto ? { ...detail, numauto: fields.numauto } : detail;
}

/** docs/payfip.md §1.6: what a `resultrans` code means. */
export function outcomeOf(detail: PaymentDetail): PaymentOutcome {
  switch (detail.resultrans) {
    case "P":
      return { status: "paid", method: "card", detail };
    case "V":
      return { status: "paid", method: "debit", detail };
    case "R":
      return { status: "refused", method: "card", detail };
    case "Z":
      return { status: "refused", method: "debit", detail };
    case "A":
      return { status: "abandoned", detail };
    default:
      return { status: "unexpected", detail };
  }
}

/** An idOp can be paid for 15 minutes; past 20 (eopayment's margin) nothing can change. */
export const ATTEMPT_WINDOW_MS = 20 * 60_000;

export type AttemptState = "paid" | "refused" | "cancelled" | "pending" | "expired" | "error";

/**
 * docs/payfip.md §4 state machine of one attempt: an early abandon stays pending (the page may
 * still be paid), P5 past the window and P1 mean expired.
 */
export function attemptState(outcome: PaymentOutcome, createdAt: Date, now: Date = new Date()): AttemptState {
  const open = now.getTime() - createdAt.getTime() < ATTEMPT_WINDOW_MS;
  switch (outcome.status) {
    case "paid":
      return "paid";
    case "refused":
      return "refused";
    case "abandoned":
      return open ? "pending" : "cancelled";
    case "pending":
      return open ? "pending" : "expired";
    case "unknown":
      return "expired";
    case "unexpected":
      return "error";
  }
}
