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
