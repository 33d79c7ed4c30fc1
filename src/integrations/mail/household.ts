import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { queueMail } from "./outbox.ts";

/**
 * E-mails every account of the household that the current persona may read: staff and
 * jobs reach both guardians; a parent's own transaction reaches the parent themself.
 */
export async function notifyHousehold(
  trx: Trx,
  tenant: Tenant,
  householdId: string,
  mail: { template: string; data: Record<string, unknown> },
): Promise<void> {
  const parents = await trx
    .selectFrom("users")
    .select(["email", "first_name", "last_name"])
    .where("household_id", "=", householdId)
    .where("email", "is not", null)
    .execute();
  for (const p of parents) {
    await queueMail(trx, tenant, {
      to: p.email as string,
      template: mail.template,
      data: { ...mail.data, name: `${p.first_name} ${p.last_name}` },
    });
  }
}
