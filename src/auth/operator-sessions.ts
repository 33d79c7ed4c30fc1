import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import { lifetime, outlived } from "./sessions.ts";
import { generateToken, hashToken } from "./tokens.ts";

export interface OperatorSession {
  sessionId: string;
  operatorId: string;
  name: string;
  email: string;
}

/** Opened by the password: it waits for the second factor (mandatory) and opens nothing yet. */
export async function createOperatorSession(
  trx: Trx,
  operatorId: string,
  remember: boolean,
): Promise<string> {
  const token = generateToken();
  await trx
    .insertInto("operator_sessions")
    .values({
      id: hashToken(token),
      operator_id: operatorId,
      remember,
      expires_at: new Date(Date.now() + lifetime(remember).absoluteMs),
    })
    .execute();
  return token;
}

/** The operator session of this id with its operator, open or waiting for its second factor. */
function sessionWithOperator(trx: Trx, id: string, pending: boolean) {
  return trx
    .selectFrom("operator_sessions as s")
    .innerJoin("operators as o", "o.id", "s.operator_id")
    .where("s.id", "=", id)
    .where("s.second_factor_pending", "=", pending);
}

export async function validateOperatorSession(trx: Trx, token: string): Promise<OperatorSession | null> {
  const id = hashToken(token);
  const row = await sessionWithOperator(trx, id, false)
    .select(["s.remember", "s.last_seen_at", "s.expires_at", "o.id as operator_id", "o.name", "o.email"])
    .executeTakeFirst();
  if (!row) return null;
  if (outlived(row, Date.now())) {
    await trx.deleteFrom("operator_sessions").where("id", "=", id).execute();
    return null;
  }
  await trx.updateTable("operator_sessions").set({ last_seen_at: sql`now()` }).where("id", "=", id).execute();
  return { sessionId: id, operatorId: row.operator_id, name: row.name, email: row.email };
}

/**
 * The operator whose session waits for the second factor, whether they enrolled one yet, and
 * whether they have passkeys.
 */
export function pendingOperator(trx: Trx, token: string) {
  return sessionWithOperator(trx, hashToken(token), true)
    .leftJoin("operator_second_factors as f", "f.operator_id", "s.operator_id")
    .select((eb) => [
      "o.id as operatorId",
      "o.email",
      "f.enabled_at",
      eb
        .exists(
          eb
            .selectFrom("operator_passkeys as k")
            .select("k.id")
            .whereRef("k.operator_id", "=", "s.operator_id"),
        )
        .as("passkeys"),
    ])
    .where("s.expires_at", ">", new Date())
    .executeTakeFirst();
}

/** The right code was given: the session opens. */
export async function openOperatorSession(trx: Trx, token: string): Promise<void> {
  await trx
    .updateTable("operator_sessions")
    .set({ second_factor_pending: false, last_seen_at: sql`now()` })
    .where("id", "=", hashToken(token))
    .execute();
}
