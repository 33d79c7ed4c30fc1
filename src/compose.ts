import { basketFor, basketForPlace, waitingDays } from "./features/billing/basket/basket-service.ts";
import { creditCancelledDays } from "./features/billing/invoices/cancel-credit.ts";
import { estimate } from "./features/billing/pricing/estimate.ts";
import { childSections } from "./features/children/sections.ts";
import { uncovered } from "./features/enrolment/enrolments/coverage-service.ts";
import {
  ENROLMENT_REQUEST_TYPE,
  recentEnrolmentRequests,
} from "./features/enrolment/enrolments/requests-view.ts";
import { householdSections } from "./features/household/sections.ts";
import { provideBilling } from "./features/planning/billing-port.ts";
import { provideEnrolment } from "./features/planning/enrolment-port.ts";
import {
  PLANNING_REQUEST_TYPES,
  recentPlanningRequests,
} from "./features/planning/review/requests-service.ts";
import { registerRequestSource, registerSections } from "./features/requests/registry.ts";

/**
 * The composition root's wiring: what a feature needs of another that imports it is handed
 * over here at startup (architecture §9: no circle between features) — planning's ports to
 * billing and enrolment, and the sections and request lists that household, children,
 * planning and enrolment register into requests. Called by createApp and by the worker, before
 * any request or job runs; calling it again changes nothing.
 */
export function composeFeatures(): void {
  provideBilling({ basketFor, basketForPlace, waitingDays, creditCancelledDays, estimate });
  provideEnrolment({ uncovered });
  registerSections({ ...householdSections, ...childSections });
  registerRequestSource("planning", { types: PLANNING_REQUEST_TYPES, recent: recentPlanningRequests });
  registerRequestSource("enrolment", { types: [ENROLMENT_REQUEST_TYPE], recent: recentEnrolmentRequests });
}
