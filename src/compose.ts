import { childSections } from "./features/children/sections.ts";
import {
  ENROLMENT_REQUEST_TYPE,
  recentEnrolmentRequests,
} from "./features/enrolment/enrolments/requests-view.ts";
import { householdSections } from "./features/household/sections.ts";
import { PLANNING_REQUEST_TYPES, recentPlanningRequests } from "./features/planning/requests-view.ts";
import { registerRequestSource, registerSections } from "./features/requests/registry.ts";

/**
 * Composition root of the features that plug into another's registry: the lower feature never
 * imports the higher one (architecture §3). Idempotent: every app built in a process calls it.
 */
export function composeFeatures(): void {
  registerSections({ ...householdSections, ...childSections });
  registerRequestSource("planning", { types: PLANNING_REQUEST_TYPES, recent: recentPlanningRequests });
  registerRequestSource("enrolment", { types: [ENROLMENT_REQUEST_TYPE], recent: recentEnrolmentRequests });
}
