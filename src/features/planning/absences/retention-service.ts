import type { Trx } from "../../../db/database.ts";

/** An erased household's absences keep their days (billing needs them) but lose their proof. */
export async function detachAbsenceDocuments(trx: Trx, householdId: string): Promise<void> {
  await trx
    .updateTable("absences")
    .set({ document_id: null })
    .where("household_id", "=", householdId)
    .execute();
}
