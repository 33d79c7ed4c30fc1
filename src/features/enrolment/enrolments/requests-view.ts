import type { Trx } from "../../../db/database.ts";
import type { EnrolmentStatus } from "../../../db/enrolment-types.ts";
import { patternLabel } from "./pattern-label.ts";
import * as enrolmentRepo from "./repo.ts";

/** « Inscriptions », a type of « Liste des demandes » › « Mes enfants ». */
export const ENROLMENT_REQUEST_TYPE = { key: "inscriptions", label: "Inscriptions" } as const;

const STATES: Record<EnrolmentStatus, "pending" | "accepted" | "refused" | "withdrawn"> = {
  pending: "pending",
  waiting: "pending",
  accepted: "accepted",
  ended: "accepted",
  refused: "refused",
  withdrawn: "withdrawn",
};

/** The household's enrolment requests of the last month, as « Liste des demandes » lists them. */
export async function recentEnrolmentRequests(trx: Trx, householdId: string, now: Date) {
  const since = now.getTime() - 31 * 24 * 3600 * 1000;
  const rows = await enrolmentRepo.ofHousehold(trx, householdId);
  return rows
    .filter((r) => r.created_at.getTime() >= since)
    .map((r) => ({
      id: r.id,
      type: ENROLMENT_REQUEST_TYPE.key,
      label: r.status === "waiting" ? "Demande d'inscription (sur liste d'attente)" : "Demande d'inscription",
      summary: `${r.first_name} ${r.last_name} – ${r.facility_name} › ${r.service_name} › ${r.period_name} – ${patternLabel(r)}`,
      status: STATES[r.status],
      createdAt: r.created_at,
      decidedAt: r.decided_at ?? (r.status === "withdrawn" ? r.updated_at : null),
      reason: r.reason,
    }));
}
