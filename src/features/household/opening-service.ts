import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

// A family's opening by the town's staff (« Créer un compte famille »): the household and its
// first guardian are this slice's rows; the parent's account is auth's (parent-users-service).

/**
 * Serialises the town's openings of families until commit: two at once would otherwise
 * read the same highest « N° Famille » (or both find an e-mail free) and collide.
 */
export async function lockFamilyOpening(trx: Trx): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended('open_family:' || app.tenant_id()::text, 0))`.execute(
    trx,
  );
}

/** The next « N° Famille »: one more than the town's highest, from 1001. */
export async function nextHouseholdNumber(trx: Trx): Promise<string> {
  const { rows } = await sql<{ n: string }>`
    select (coalesce(max(number::numeric), 1000) + 1)::text as n from households where number ~ '^[0-9]{1,18}$'`.execute(
    trx,
  );
  return rows[0]?.n ?? "1001";
}

export function insertHousehold(trx: Trx, tenantId: string, number: string, name: string) {
  return trx
    .insertInto("households")
    .values({ tenant_id: tenantId, number, name })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
}

/** « Moi »: the account holder as the household's first guardian. */
export function insertFirstGuardian(
  trx: Trx,
  v: {
    tenantId: string;
    householdId: string;
    userId: string;
    civility: string;
    firstName: string;
    lastName: string;
    email: string | null;
  },
) {
  return trx
    .insertInto("guardians")
    .values({
      tenant_id: v.tenantId,
      household_id: v.householdId,
      user_id: v.userId,
      rank: 1,
      civility: v.civility,
      first_name: v.firstName,
      last_name: v.lastName,
      email: v.email,
    })
    .execute();
}
