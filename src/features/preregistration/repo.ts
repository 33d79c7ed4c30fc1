import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { PreregistrationInput } from "./schemas.ts";

/** Through the auth persona (no session): insert only, the row is not read back. */
export async function insertPreregistration(trx: Trx, tenantId: string, v: PreregistrationInput) {
  const { children, ...fields } = v;
  await trx
    .insertInto("preregistrations")
    .values({ ...fields, tenant_id: tenantId, children: JSON.stringify(children) })
    .execute();
}

export function listPending(trx: Trx) {
  return trx
    .selectFrom("preregistrations")
    .select([
      "id",
      "civility",
      "first_name",
      "last_name",
      "email",
      "created_at",
      sql<number>`jsonb_array_length(children)`.as("child_count"),
    ])
    .where("status", "=", "pending")
    .orderBy("created_at")
    .execute();
}

export function find(trx: Trx, id: string) {
  return trx.selectFrom("preregistrations").selectAll().where("id", "=", id).executeTakeFirst();
}

export type PreregistrationRow = NonNullable<Awaited<ReturnType<typeof find>>>;

/** Records the decision of a still pending form; false when another decision came first. */
export async function decide(
  trx: Trx,
  id: string,
  d: { status: "accepted" | "refused"; decidedBy: string; reason?: string; householdId?: string },
): Promise<boolean> {
  const row = await trx
    .updateTable("preregistrations")
    .set({
      status: d.status,
      reason: d.reason ?? null,
      household_id: d.householdId ?? null,
      decided_by: d.decidedBy,
      decided_at: sql`now()`,
    })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}
