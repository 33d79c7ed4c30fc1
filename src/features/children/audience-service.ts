import { type RawBuilder, sql } from "kysely";
import type { Trx } from "../../db/database.ts";

/** The schools and classes the town's children attend, for a broadcast's audience. */
export function schoolsAndClasses(trx: Trx) {
  return trx
    .selectFrom("children")
    .select(["school", "class_level"])
    .distinct()
    .where("school", "is not", null)
    .orderBy("school")
    .orderBy("class_level")
    .execute();
}

/** Households with a child at a school (and, when given, in a class) (issue 14 broadcasts). */
export function schoolHouseholds(school: string, classLevel: string | null): RawBuilder<unknown> {
  return classLevel
    ? sql`select household_id from children where school = ${school} and class_level = ${classLevel}`
    : sql`select household_id from children where school = ${school}`;
}
