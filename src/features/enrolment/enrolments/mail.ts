import type { Trx } from "../../../db/database.ts";
import { notifyHousehold } from "../../../integrations/mail/household.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { EnrolmentRow } from "./repo.ts";

export type Told = "accepted" | "refused" | "waiting";

const SUBJECTS: Record<Told, string> = {
  accepted: "acceptée",
  refused: "refusée",
  waiting: "sur liste d'attente",
};

/** Every staff decision is e-mailed to the household (DOMAIN: demandes et réponses). */
export async function tellDecision(trx: Trx, tenant: Tenant, e: EnrolmentRow, told: Told, booked = 0) {
  await notifyHousehold(trx, tenant, e.household_id, {
    template: "enrolment-decision",
    data: {
      outcome: SUBJECTS[told],
      told,
      child: `${e.first_name} ${e.last_name}`,
      what: `${e.facility_name} › ${e.service_name} › ${e.period_name}`,
      reason: e.reason,
      booked,
    },
  });
}
