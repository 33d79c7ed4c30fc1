import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { type MailRequest, queueMail, queueMails } from "./outbox.ts";

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
  for (const m of await householdMails(trx, householdId, mail)) await queueMail(trx, tenant, m);
}

/** The e-mails notifyHousehold would queue, for a caller that writes them itself. */
export async function householdMails(
  trx: Trx,
  householdId: string,
  mail: { template: string; data: Record<string, unknown> },
): Promise<MailRequest[]> {
  const parents = await trx
    .selectFrom("users")
    .select(["email", "first_name", "last_name"])
    .where("household_id", "=", householdId)
    .where("email", "is not", null)
    .execute();
  return parents.map((p) => ({
    to: p.email as string,
    template: mail.template,
    data: { ...mail.data, name: `${p.first_name} ${p.last_name}` },
  }));
}

/** notifyHousehold for many households at once: one read of their accounts, one insert. */
export async function notifyHouseholds(
  trx: Trx,
  tenant: Tenant,
  mails: { householdId: string; template: string; data: Record<string, unknown> }[],
): Promise<void> {
  if (!mails.length) return;
  const parents = await trx
    .selectFrom("users")
    .select(["household_id", "email", "first_name", "last_name"])
    .where(sql<boolean>`household_id = any(${[...new Set(mails.map((m) => m.householdId))]}::uuid[])`)
    .where("email", "is not", null)
    .orderBy("household_id")
    .orderBy("email")
    .execute();
  const byHousehold = new Map<string, typeof parents>();
  for (const p of parents) {
    const list = byHousehold.get(p.household_id as string);
    if (list) list.push(p);
    else byHousehold.set(p.household_id as string, [p]);
  }
  await queueMails(
    trx,
    tenant,
    mails.flatMap((m) =>
      (byHousehold.get(m.householdId) ?? []).map((p) => ({
        to: p.email as string,
        template: m.template,
        data: { ...m.data, name: `${p.first_name} ${p.last_name}` },
      })),
    ),
  );
}
