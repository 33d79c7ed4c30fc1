import type { Trx } from "../../../db/database.ts";
import { longDate } from "../../../lib/dates.ts";
import { absencePlaces, bookingPlaces } from "../common/place-query.ts";

/** « Réservations » and « Absences », the planning types of « Liste des demandes » › « Mes enfants ». */
export const PLANNING_REQUEST_TYPES = [
  { key: "reservations", label: "Réservations" },
  { key: "absences", label: "Absences" },
] as const;
export type PlanningRequestType = (typeof PLANNING_REQUEST_TYPES)[number]["key"];

/** One line of « Liste des demandes »: its kind, what it is about, its outcome. */
export interface PlanningRequest {
  id: string;
  type: PlanningRequestType;
  label: string;
  summary: string;
  status: "pending" | "accepted" | "refused";
  createdAt: Date;
  decidedAt: Date | null;
  reason: string | null;
}

const monthBefore = (now: Date) => new Date(now.getTime() - 31 * 24 * 3600 * 1000);
const summary = (r: {
  first_name: string;
  last_name: string;
  facility: string;
  service: string;
  day: string;
}) => `${r.first_name} ${r.last_name} – ${r.facility} › ${r.service} – ${longDate(r.day)}`;

async function bookingRequests(trx: Trx, householdId: string, since: Date): Promise<PlanningRequest[]> {
  const rows = await bookingPlaces(trx)
    .innerJoin("booking_dossiers as d", "d.id", "b.dossier_id")
    .select(["b.id", "b.day", "b.status", "b.reason", "b.decided_at", "d.created_at"])
    .select(["c.first_name", "c.last_name", "s.name as service", "f.name as facility"])
    .where("b.household_id", "=", householdId)
    .where("b.status", "in", ["pending", "accepted", "refused", "cancel_requested"])
    .where("d.created_at", ">=", since)
    .orderBy("d.created_at", "desc")
    .orderBy("b.day")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    type: "reservations",
    label: r.status === "cancel_requested" ? "Demande d'annulation" : "Demande de réservation",
    summary: summary(r),
    status: r.status === "cancel_requested" ? "pending" : (r.status as PlanningRequest["status"]),
    createdAt: r.created_at,
    decidedAt: r.status === "pending" ? null : r.decided_at,
    reason: r.reason,
  }));
}

async function absenceRequests(trx: Trx, householdId: string, since: Date): Promise<PlanningRequest[]> {
  const rows = await absencePlaces(trx)
    .select([
      "a.id",
      "a.status",
      "a.reason_label",
      "a.refusal_reason",
      "a.decided_at",
      "a.created_at",
      "b.day",
    ])
    .select(["c.first_name", "c.last_name", "s.name as service", "f.name as facility"])
    .where("a.household_id", "=", householdId)
    .where("a.created_at", ">=", since)
    .orderBy("a.created_at", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    type: "absences",
    label: "Déclaration d'absence",
    summary: `${summary(r)} (motif : ${r.reason_label})`,
    status: r.status,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    reason: r.refusal_reason,
  }));
}

/** The household's booking and absence requests of the last month, newest first. */
export async function recentPlanningRequests(trx: Trx, householdId: string, now: Date) {
  const since = monthBefore(now);
  const all = [
    ...(await bookingRequests(trx, householdId, since)),
    ...(await absenceRequests(trx, householdId, since)),
  ];
  return all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}
