import type { z } from "zod";
import type { Trx } from "../../db/database.ts";
import { notFound } from "../../http/errors.ts";
import { validate } from "../../http/forms.ts";
import type { Tenant } from "../../tenancy/resolve.ts";
import * as files from "./attachments.ts";
import * as repo from "./repo.ts";
import { type MessageInput, messageSchema, replySchema } from "./schemas.ts";

/** « Au maximum 20 messages par heure »: enough for any family, not for a script. */
export const HOURLY_LIMIT = 20;
export const LIMIT_REACHED = `Vous avez envoyé ${HOURLY_LIMIT} messages dans l'heure : c'est le maximum. Votre message n'est pas perdu, il est resté dans le formulaire ; renvoyez-le un peu plus tard.`;
const PAGE = 200;

/** The signed-in parent who writes, and their household. */
export type Parent = { userId: string; householdId: string };

export const BOXES: Record<string, { box: repo.Box; label: string }> = {
  recus: { box: "received", label: "Reçus" },
  envoyes: { box: "sent", label: "Envoyés" },
  supprimes: { box: "deleted", label: "Supprimés" },
};

/** « vous avez 1 Nouveau(x) Message(s) ». */
export function unreadIn(trx: Trx, householdId: string): Promise<number> {
  return repo.unreadCount(trx, householdId);
}

/** One box of the inbox, newest conversation first. */
export async function inbox(trx: Trx, householdId: string, box: repo.Box) {
  return (await repo.listThreads(trx, householdId, box, PAGE)).map((t) => ({
    ...t,
    unread: Number(t.unread),
  }));
}

/** A conversation of the household (else 404); opening it marks the town's messages read. */
export async function conversation(trx: Trx, id: string) {
  const thread = await repo.findThread(trx, id);
  if (!thread) throw notFound();
  const opened = await repo.markRead(trx, id, "town");
  return { thread, opened, messages: await repo.threadMessages(trx, id) };
}

export type SendResult = { ok: true; threadId: string } | { ok: false; errors: Record<string, string> };

type Form = { values: Record<string, string>; files: File[] };

/** A message's fields and files, parents' or staff's: every error at its field, or what to write. */
export async function checkMessage<S extends z.ZodType>(schema: S, tenant: Tenant, form: Form) {
  const parsed = validate(schema, form.values);
  const checked = await files.check(tenant, form.files);
  if (!parsed.ok || !checked.ok)
    return { ok: false as const, errors: { ...(parsed.ok ? {} : parsed.errors), ...checked.errors } };
  return { ok: true as const, data: parsed.data as z.infer<S>, files: checked.files };
}

/** « Nouveau message »: fields, files and the hourly limit all checked before anything is written. */
export async function send(trx: Trx, tenant: Tenant, p: Parent, form: Form): Promise<SendResult> {
  const message = await checkMessage(messageSchema(tenant.config.portal.messageServices), tenant, form);
  if (!message.ok) return message;
  const input: MessageInput = message.data;
  if (await overLimit(trx, p)) return { ok: false, errors: { _form: LIMIT_REACHED } };
  const base = { tenantId: tenant.id, householdId: p.householdId };
  const threadId = await repo.insertThread(trx, { ...base, ...input, startedBy: "parent" });
  await repo.insertMessage(
    trx,
    { ...base, threadId, author: "parent", userId: p.userId, body: input.body },
    message.files,
  );
  return { ok: true, threadId };
}

/** A parent's answer in one of the household's conversations (404 for any other). */
export async function reply(
  trx: Trx,
  tenant: Tenant,
  p: Parent,
  threadId: string,
  form: Form,
): Promise<SendResult> {
  const message = await checkMessage(replySchema, tenant, form);
  if (!(await repo.findThread(trx, threadId))) throw notFound();
  if (!message.ok) return message;
  if (await overLimit(trx, p)) return { ok: false, errors: { _form: LIMIT_REACHED } };
  const base = { tenantId: tenant.id, householdId: p.householdId, threadId, userId: p.userId };
  await repo.insertMessage(trx, { ...base, author: "parent", body: message.data.body }, message.files);
  await repo.setDeleted(trx, threadId, false);
  return { ok: true, threadId };
}

async function overLimit(trx: Trx, p: Parent): Promise<boolean> {
  return (await repo.sentSince(trx, p.userId, new Date(Date.now() - 3600_000))) >= HOURLY_LIMIT;
}

/** « Supprimer » puts a conversation in « Supprimés »; « Restaurer » brings it back. */
export async function setDeleted(trx: Trx, threadId: string, deleted: boolean) {
  if (!(await repo.findThread(trx, threadId))) throw notFound();
  await repo.setDeleted(trx, threadId, deleted);
}

/** An attachment of the household's conversations (parents), or of the town's (staff); else 404. */
export async function attachment(trx: Trx, id: string) {
  const file = await repo.findAttachment(trx, id);
  if (!file) throw notFound();
  return file;
}
