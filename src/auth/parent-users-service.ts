import { sql } from "kysely";
import type { Trx } from "../db/database.ts";

// Parents' accounts (`users`) are auth's rows: opened by the town's staff (« Créer un compte
// famille ») or by an invitation of the household's first parent (run as app_auth: a parent
// may neither read nor create another account).

/** Whether a parent account already uses this e-mail or identifiant in the town. */
export async function parentIdentityTaken(
  trx: Trx,
  field: "email" | "login",
  value: string,
): Promise<boolean> {
  const row = await trx
    .selectFrom("users")
    .select("id")
    .where("kind", "=", "parent")
    .where(field, "=", value)
    .executeTakeFirst();
  return row !== undefined;
}

export interface NewParentUser {
  /** The town; by default the transaction's own (app.tenant_id()). */
  tenantId?: string;
  householdId: string;
  civility: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  login?: string | null;
  passwordHash?: string | null;
  mustChange?: boolean;
}

/** A parent account of the household, not activated unless a temporary password is given. */
export function insertParentUser(trx: Trx, v: NewParentUser) {
  return trx
    .insertInto("users")
    .values({
      tenant_id: v.tenantId ?? sql<string>`(select app.tenant_id())`,
      kind: "parent",
      household_id: v.householdId,
      civility: v.civility,
      first_name: v.firstName,
      last_name: v.lastName,
      email: v.email,
      login: v.login ?? null,
      password_hash: v.passwordHash ?? null,
      must_change_password: v.mustChange ?? false,
    })
    .returning(["id", "email", "first_name", "last_name"])
    .executeTakeFirstOrThrow();
}

export function findParentUser(trx: Trx, id: string) {
  return trx
    .selectFrom("users")
    .select(["id", "email", "first_name", "last_name", "password_hash"])
    .where("kind", "=", "parent")
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The account's name follows its guardian's (the greeting, e-mails, staff lists). */
export async function syncUserName(trx: Trx, userId: string, values: Record<string, unknown>): Promise<void> {
  const set = Object.fromEntries(
    (["civility", "first_name", "last_name"] as const).filter((k) => k in values).map((k) => [k, values[k]]),
  );
  if (Object.keys(set).length === 0) return;
  await trx.updateTable("users").set(set).where("id", "=", userId).execute();
}
