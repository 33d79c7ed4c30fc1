import type { Trx } from "../../../db/database.ts";
import * as enrolmentRepo from "./repo.ts";

/**
 * For planning (« booking needs an accepted enrolment »): the (child, day) pairs that no
 * accepted enrolment of the period covers. Kept apart from the enrolment service so that
 * planning's booking service and the enrolment service do not import each other.
 */
export async function uncovered(
  trx: Trx,
  periodId: string,
  childIds: string[],
  days: string[],
): Promise<{ childId: string; day: string }[]> {
  if (childIds.length === 0) return [];
  const rows = await enrolmentRepo.covered(trx, periodId, childIds);
  const out: { childId: string; day: string }[] = [];
  for (const childId of childIds)
    for (const day of days)
      if (!rows.some((r) => r.child_id === childId && r.starts_on <= day && r.ends_on >= day))
        out.push({ childId, day });
  return out;
}
