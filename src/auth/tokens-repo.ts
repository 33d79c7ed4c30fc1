import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import type { AuthTokensTable } from "../db/types.ts";
import { generateToken, hashToken } from "./tokens.ts";

export type Purpose = AuthTokensTable["purpose"];

export const TOKEN_TTL_MS: Record<Purpose, number> = {
  activation: 7 * 86_400_000,
  password_reset: 3_600_000,
  email_change: 86_400_000,
};

/** Spends the tokens the caller picks among those not used yet. */
const spendUnused = (trx: Trx) =>
  trx.updateTable("auth_tokens").set({ used_at: sql`now()` }).where("used_at", "is", null);

/** A single-use link token; any earlier unused one of the same purpose stops working. */
export async function issueToken(
  trx: Trx,
  tenantId: string,
  userId: string,
  purpose: Purpose,
  newEmail: string | null = null,
): Promise<string> {
  await spendUnused(trx).where("user_id", "=", userId).where("purpose", "=", purpose).execute();
  const token = generateToken();
  await trx
    .insertInto("auth_tokens")
    .values({
      tenant_id: tenantId,
      id: hashToken(token),
      user_id: userId,
      purpose,
      new_email: newEmail,
      expires_at: new Date(Date.now() + TOKEN_TTL_MS[purpose]),
    })
    .execute();
  return token;
}

/** The token's row while it is unused and unexpired. */
export function findLiveToken(trx: Trx, token: string, purpose: Purpose) {
  return trx
    .selectFrom("auth_tokens as t")
    .innerJoin("users as u", (j) =>
      j.onRef("u.tenant_id", "=", "t.tenant_id").onRef("u.id", "=", "t.user_id"),
    )
    .select([
      "t.id",
      "t.user_id",
      "t.new_email",
      "u.email",
      "u.login",
      "u.first_name",
      "u.last_name",
      "u.kind",
    ])
    .where("t.id", "=", hashToken(token))
    .where("t.purpose", "=", purpose)
    .where("t.used_at", "is", null)
    .where("t.expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
}

/** Spends the token; false when someone spent it first (double submit, replay). */
export async function consumeToken(trx: Trx, token: string): Promise<boolean> {
  const r = await spendUnused(trx)
    .where("id", "=", hashToken(token))
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}
