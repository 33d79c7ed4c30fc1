import type { Trx } from "../../../db/database.ts";
import type { Tenant } from "../../../tenancy/resolve.ts";
import { findPeriod, type Period } from "../../planning/offer/period-service.ts";
import { staffView } from "../required-documents.ts";
import * as enrolmentRepo from "./repo.ts";

/** The requests to decide, pending then waiting, by period and arrival, with their documents given and missing. */
export async function rows(trx: Trx, tenant: Tenant, periodId: string | undefined) {
  const list = await enrolmentRepo.queue(trx, periodId);
  const periods = new Map<string, Period | undefined>();
  const piecesOf = staffView(trx, tenant);
  const out = [];
  for (const r of list) {
    if (!periods.has(r.period_id)) periods.set(r.period_id, await findPeriod(trx, r.period_id));
    const wanted = periods.get(r.period_id)?.rules.enrolmentDocuments ?? [];
    out.push({ ...r, documents: await piecesOf(r.household_id, r.child_id, wanted) });
  }
  return out;
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
