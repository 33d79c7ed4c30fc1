import type { Trx } from "../db/database.ts";

/** Ends one of the user's own sessions (« Mes connexions »); another person's id ends nothing. */
export async function endOwnSession(trx: Trx, userId: string, sessionId: string): Promise<void> {
  await trx.deleteFrom("sessions").where("id", "=", sessionId).where("user_id", "=", userId).execute();
}

/** An operator's logout: their console session ends. */
export async function endOperatorSession(trx: Trx, sessionId: string): Promise<void> {
  await trx.deleteFrom("operator_sessions").where("id", "=", sessionId).execute();
}
