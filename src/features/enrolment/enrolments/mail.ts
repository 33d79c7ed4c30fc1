import type { Trx } from "../../../db/database.ts";
import { notifyHouseholds } from "../../../integrations/mail/household.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import type { EnrolmentRow } from "./repo.ts";

export type Told = "accepted" | "refused" | "waiting";

const SUBJECTS: Record<Told, string> = {
  accepted: "acceptée",
  refused: "refusée",
  waiting: "sur liste d'attente",
};

/** Every staff decision is e-mailed to the household (docs/domain.md: demandes et réponses), in one batch. */
export async function tellDecisions(
  trx: Trx,
  tenant: Tenant,
  told: { e: EnrolmentRow; status: Told; reason: string | null; booked: number }[],
) {
  await notifyHouseholds(
    trx,
    tenant,
    told.map(({ e, status, reason, booked }) => ({
      householdId: e.household_id,
      template: "enrolment-decision",
      data: {
        outcome: SUBJECTS[status],
        told: status,
        child: `${e.first_name} ${e.last_name}`,
        what: `${e.facility_name} › ${e.service_name} › ${e.period_name}`,
        reason,
        booked,
      },
    })),
  );
}
