import { basketFor, basketForPlace, waitingDays } from "./features/billing/basket-service.ts";
import { creditCancelledDays } from "./features/billing/cancel-credit.ts";
import { estimate } from "./features/billing/estimate.ts";
import { uncovered } from "./features/enrolment/enrolments/coverage-service.ts";
import { provideBilling } from "./features/planning/billing-port.ts";
import { provideEnrolment } from "./features/planning/enrolment-port.ts";

/**
 * The composition root's wiring: what a feature needs of another that imports it is handed
 * over here at startup (architecture §9: no circle between features). Called by createApp and
 * by the worker, before any request or job runs; calling it again changes nothing.
 */
export function composeFeatures(): void {
  provideBilling({ basketFor, basketForPlace, waitingDays, creditCancelledDays, estimate });
  provideEnrolment({ uncovered });
}
