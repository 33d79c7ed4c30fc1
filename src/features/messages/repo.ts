import { sql } from "kysely";
import type { Trx } from "../../db/database.ts";

export type Box = "received" | "sent" | "deleted";
export type Author = "parent" | "town";

/** The town's messages the household has not opened yet. */
export async function unreadCount(trx: Trx, householdId: string): Promise<number> {
  const row = await trx
    .selectFrom("messages")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("household_id", "=", householdId)
    .where("author", "=", "town")
    .where("read_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export const unreadOf = (author: Author) =>
  sql<string>`(select count(*) from messages m where m.thread_id = t.id and m.author = ${author} and m.read_at is null)`;

/**
 * One box of « Boîte de réception »: « Reçus » holds every conversation where the town wrote,
 * « Envoyés » those where the household did, « Supprimés » those the household put aside.
 */
export function listThreads(trx: Trx, householdId: string, box: Box, limit: number) {
  let q = trx
    .selectFrom("message_threads as t")
    .select(["t.id", "t.subject", "t.service", "t.started_by", "t.last_at", unreadOf("town").as("unread")])
    .where("t.household_id", "=", householdId);
  if (box === "deleted") q = q.where("t.parent_deleted_at", "is not", null);
  else {
    q = q.where("t.parent_deleted_at", "is", null);
    q = q.where(box === "received" ? "t.last_town_at" : "t.last_parent_at", "is not", null);
  }
  return q.orderBy("t.last_at", "desc").limit(limit).execute();
}

/** A conversation as staff list it and both sides open it: with its household's name and number. */
const THREAD = [
  "t.id",
  "t.subject",
  "t.service",
  "t.status",
  "h.name as household_name",
  "h.number as household_number",
] as const;

export function threadsWithHousehold(trx: Trx) {
  return trx
    .selectFrom("message_threads as t")
    .innerJoin("households as h", "h.id", "t.household_id")
    .select(THREAD);
}

export function findThread(trx: Trx, id: string) {
  return threadsWithHousehold(trx)
    .select(["t.household_id", "t.assigned_to", "t.parent_deleted_at", "t.broadcast_id"])
    .where("t.id", "=", id)
    .executeTakeFirst();
}

/** A conversation's messages in order, each with its attachments' names (never their content). */
export async function threadMessages(trx: Trx, threadId: string) {
  const messages = await trx
    .selectFrom("messages")
    .select(["id", "author", "body", "created_at", "read_at"])
    .where("thread_id", "=", threadId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  const files = messages.length
    ? await trx
        .selectFrom("message_attachments")
        .select(["id", "message_id", "filename", "size"])
        .where(
          "message_id",
          "in",
          messages.map((m) => m.id),
        )
        .orderBy("created_at")
        .execute()
    : [];
  return messages.map((m) => ({ ...m, attachments: files.filter((f) => f.message_id === m.id) }));
}

export async function insertThread(
  trx: Trx,
  t: { tenantId: string; householdId: string; subject: string; service: string; startedBy: Author },
): Promise<string> {
  const row = await trx
    .insertInto("message_threads")
    .values({
      tenant_id: t.tenantId,
      household_id: t.householdId,
      subject: t.subject,
      service: t.service,
      started_by: t.startedBy,
      broadcast_id: null,
      assigned_to: null,
      status: t.startedBy === "town" ? "handled" : "to_handle",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface NewFile {
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  bytes: Buffer;
}

/** One message, its files, and the conversation's dates: all in the caller's transaction. */
export async function insertMessage(
  trx: Trx,
  m: {
    tenantId: string;
    householdId: string;
    threadId: string;
    author: Author;
    userId: string;
    body: string;
  },
  files: NewFile[],
): Promise<string> {
  const row = await trx
    .insertInto("messages")
    .values({
      tenant_id: m.tenantId,
      household_id: m.householdId,
      thread_id: m.threadId,
      author: m.author,
      author_user_id: m.userId,
      body: m.body,
    })
    .returning(["id", "created_at"])
    .executeTakeFirstOrThrow();
  if (files.length)
    await trx
      .insertInto("message_attachments")
      .values(
        files.map(({ bytes, ...f }) => ({
          ...f,
          content: bytes,
          tenant_id: m.tenantId,
          household_id: m.householdId,
          message_id: row.id,
        })),
      )
      .execute();
  await trx
    .updateTable("message_threads")
    .set(
      m.author === "parent"
        ? { last_parent_at: row.created_at, last_at: row.created_at, status: "to_handle" }
        : { last_town_at: row.created_at, last_at: row.created_at },
    )
    .where("id", "=", m.threadId)
    .execute();
  return row.id;
}

/** Opening a conversation marks as read what the other side wrote. */
export async function markRead(trx: Trx, threadId: string, writtenBy: Author): Promise<number> {
  const result = await trx
    .updateTable("messages")
    .set({ read_at: sql`now()` })
    .where("thread_id", "=", threadId)
    .where("author", "=", writtenBy)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function setDeleted(trx: Trx, threadId: string, deleted: boolean): Promise<void> {
  await trx
    .updateTable("message_threads")
    .set({ parent_deleted_at: deleted ? sql`now()` : null })
    .where("id", "=", threadId)
    .execute();
}

/** How many messages one person wrote since a moment: the hourly sending limit. */
export async function sentSince(trx: Trx, userId: string, since: Date): Promise<number> {
  const row = await trx
    .selectFrom("messages")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("author_user_id", "=", userId)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function findAttachment(trx: Trx, id: string) {
  return trx
    .selectFrom("message_attachments")
    .select(["filename", "mime", "content"])
    .where("id", "=", id)
    .executeTakeFirst();
}
