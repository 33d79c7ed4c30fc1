import { sql } from "kysely";
import type { Trx } from "../db/database.ts";
import { deleteUserSessions } from "./sessions.ts";

/**
 * The writes to staff accounts (`users` of kind staff), owned by auth: the team pages (a town's
 * admin) and the platform's town staff pages call them; reads stay with the team slice.
 */
export type StaffRole = "admin" | "agent";

export function insertStaff(
  trx: Trx,
  v: { tenantId: string; firstName: string; lastName: string; email: string; role: StaffRole },
) {
  return trx
    .insertInto("users")
    .values({
      tenant_id: v.tenantId,
      kind: "staff",
      staff_role: v.role,
      first_name: v.firstName,
      last_name: v.lastName,
      email: v.email,
    })
    .returning(["id", "first_name", "last_name", "email"])
    .executeTakeFirstOrThrow();
}

export async function setStaffRole(trx: Trx, id: string, role: StaffRole): Promise<void> {
  await trx
    .updateTable("users")
    .set({ staff_role: role })
    .where("kind", "=", "staff")
    .where("id", "=", id)
    .execute();
}

/** Deactivating ends the account's sessions in the same transaction: it is out at once. */
export async function setStaffDisabled(trx: Trx, id: string, disabled: boolean): Promise<void> {
  await trx
    .updateTable("users")
    .set({ disabled_at: disabled ? sql`now()` : null })
    .where("kind", "=", "staff")
    .where("id", "=", id)
    .execute();
  if (disabled) await deleteUserSessions(trx, id);
}
