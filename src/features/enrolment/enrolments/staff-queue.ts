import type { Trx } from "../../../db/database.ts";
import * as enrolmentRepo from "./repo.ts";

/** The requests to decide, pending then waiting, by period and arrival. */
export function rows(trx: Trx, periodId: string | undefined) {
  return enrolmentRepo.queue(trx, periodId);
}

/** What is wrong with a staff decision before anything is read: nothing chosen, no reason. */
export function invalid(
  ids: string[],
  kind: string,
  reason: string,
): { field: string; error: string } | null {
  if (ids.length === 0)
    return { field: "selection", error: "Cochez au moins une inscription avant de décider." };
  if (kind !== "refuse") return null;
  if (!reason) return { field: "motif", error: "Indiquez le motif du refus : il est envoyé à la famille." };
  if (reason.length > 500) return { field: "motif", error: "Le motif ne doit pas dépasser 500 caractères." };
  return null;
}
