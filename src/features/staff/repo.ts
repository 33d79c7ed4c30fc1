import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

export function counts(trx: Trx) {
  return trx
    .selectFrom("users")
    .select([
      sql<number>`(select count(*)::int from households)`.as("households"),
      sql<number>`count(*) filter (where kind = 'parent')::int`.as("parents"),
      sql<number>`count(*) filter (where kind = 'parent' and password_hash is null)::int`.as("pending"),
    ])
    .executeTakeFirstOrThrow();
}

export function recentParents(trx: Trx, limit = 20) {
  return trx
    .selectFrom("users as u")
    .innerJoin("households as h", (j) =>
      j.onRef("h.tenant_id", "=", "u.tenant_id").onRef("h.id", "=", "u.household_id"),
    )
    .select([
      "u.id",
      "u.first_name",
      "u.last_name",
      "u.email",
      "u.login",
      "u.created_at",
      "u.must_change_password",
      sql<boolean>`u.password_hash is not null`.as("active"),
      "h.name as household_name",
      "h.number as household_number",
    ])
    .where("u.kind", "=", "parent")
    .orderBy("u.created_at", "desc")
    .limit(limit)
    .execute();
}

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

export function insertParent(
  trx: Trx,
  v: {
    tenantId: string;
    householdId: string;
    civility: string;
    firstName: string;
    lastName: string;
    email: string | null;
    login: string | null;
    passwordHash: string | null;
    mustChange: boolean;
  },
) {
  return trx
    .insertInto("users")
    .values({
      tenant_id: v.tenantId,
      kind: "parent",
      household_id: v.householdId,
      civility: v.civility,
      first_name: v.firstName,
      last_name: v.lastName,
      email: v.email,
      login: v.login,
      password_hash: v.passwordHash,
      must_change_password: v.mustChange,
    })
    .returning(["id", "email", "first_name", "last_name"])
    .executeTakeFirstOrThrow();
}

export function findParent(trx: Trx, id: string) {
  return trx
    .selectFrom("users")
    .select(["id", "email", "first_name", "last_name", "password_hash"])
    .where("kind", "=", "parent")
    .where("id", "=", id)
    .executeTakeFirst();
}

export function identityTaken(trx: Trx, field: "email" | "login", value: string) {
  return trx
    .selectFrom("users")
    .select("id")
    .where("kind", "=", "parent")
    .where(field, "=", value)
    .executeTakeFirst();
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
