import type { Attendance, BookingStatus } from "../../../db/planning-types.ts";

/** The seeds' words for a booking's state (Séné legend, Plombières agenda). */
export const STATUS_LABELS: Record<BookingStatus, string> = {
  pending: "En attente de traitement",
  accepted: "Acceptée",
  refused: "Refusée",
  waiting: "Liste d'attente",
  offered: "Place proposée",
  cancel_requested: "Demande d'annulation",
  cancelled: "Annulée",
  expired: "Expirée",
  unpaid: "En attente de paiement",
};

export const ATTENDANCE_LABELS: Record<Attendance, string> = {
  present: "Présent",
  absent_excused: "Absent excusé",
  absent_billed: "Absent facturé",
};

/** What a booking shows: once attendance is taken it wins over the booking's status. */
export function stateOf(b: { status: BookingStatus; attendance: Attendance | null }): {
  key: string;
  label: string;
} {
  if (b.attendance && (b.status === "accepted" || b.status === "cancel_requested"))
    return { key: b.attendance, label: ATTENDANCE_LABELS[b.attendance] };
  return { key: b.status, label: STATUS_LABELS[b.status] };
}

/** « Légende » of « Mon planning » and of the agenda: every state, closures and holidays. */
export const LEGEND: { key: string; label: string }[] = [
  ...(
    [
      "pending",
      "unpaid",
      "accepted",
      "refused",
      "waiting",
      "offered",
      "cancel_requested",
      "cancelled",
      "expired",
    ] as const
  ).map((k) => ({ key: k, label: STATUS_LABELS[k] })),
  ...(["present", "absent_excused", "absent_billed"] as const).map((k) => ({
    key: k,
    label: ATTENDANCE_LABELS[k],
  })),
  { key: "closed", label: "Fermé" },
  { key: "holiday", label: "Férié" },
  { key: "school_holiday", label: "Vacances scolaires" },
];
