import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { queueMailToAll } from "../../integrations/mail/outbox.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import { recordWrite } from "../audit/service.ts";
import * as repo from "./repo.ts";
import { replySchema, type StaffFilter } from "./schemas.ts";
import { checkMessage, type SendResult } from "./service.ts";
import * as staffRepo from "./staff-repo.ts";

/** The back-office home's « Messagerie » counts, in the caller's transaction. */
export const counts = (trx: Trx) => staffRepo.counts(trx);

/** « Messagerie »: the conversations that match the filters, and the counts. */
export async function list(trx: Trx, filter: StaffFilter) {
  return {
    threads: (await staffRepo.listThreads(trx, filter)).map((t) => ({ ...t, unread: Number(t.unread) })),
    counts: await staffRepo.counts(trx),
  };
}

/** A conversation of the town (else 404); opening it marks the household's messages read. */
export async function conversation(trx: Trx, id: string) {
  const thread = await repo.findThread(trx, id);
  if (!thread) throw notFound();
  await repo.markRead(trx, id, "parent");
  return { thread, messages: await repo.threadMessages(trx, id) };
}

/**
 * E-mails the notice (a link, no content) to the accounts of the households a query yields,
 * for those whose guardian said yes to « Autorisation courriel ».
 */
export function notify(
  trx: Trx,
  tenant: Tenant,
  origin: string,
  households: Parameters<typeof staffRepo.noticeAddresses>[0],
) {
  return queueMailToAll(
    trx,
    tenant,
    { template: "message-received", data: { link: `${origin}/messages` } },
    staffRepo.noticeAddresses(households),
  );
}

/** The town's answer, with its files; the household gets the e-mail notice per its consent. */
export async function reply(
  trx: Trx,
  tenant: Tenant,
  userId: string,
  threadId: string,
  form: { values: Record<string, string>; files: File[]; origin: string },
): Promise<SendResult> {
  const message = await checkMessage(replySchema, tenant, form);
  const thread = await repo.findThread(trx, threadId);
  if (!thread) throw notFound();
  if (!message.ok) return message;
  const base = { tenantId: tenant.id, householdId: thread.household_id, threadId, userId };
  await repo.insertMessage(trx, { ...base, author: "town", body: message.data.body }, message.files);
  await notify(trx, tenant, form.origin, sql`select ${thread.household_id}::uuid`);
  return { ok: true, threadId };
}

/** « M'attribuer », « Marquer traité », « Rouvrir ». */
export async function update(
  trx: Trx,
  tenant: Tenant,
  userId: string,
  id: string,
  action: "attribuer" | "traite" | "a_traiter",
) {
  const thread = await repo.findThread(trx, id);
  if (!thread) throw notFound();
  await staffRepo.update(
    trx,
    id,
    action === "attribuer"
      ? { assigned_to: userId }
      : { status: action === "traite" ? "handled" : "to_handle" },
  );
  await recordWrite(
    trx,
    tenant.id,
    { kind: "staff", userId },
    {
      householdId: thread.household_id,
      action,
      entity: "message_threads",
      entityId: id,
      fields: [action === "attribuer" ? "assigned_to" : "status"],
    },
  );
}
