import type { ColumnType, Generated } from "kysely";

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Created = ColumnType<Date, Date | string | undefined, Date | string>;

export interface BroadcastsTable {
  tenant_id: string;
  id: Generated<string>;
  subject: string;
  body: string;
  /** The audience as staff chose it, in words (« Réservés le mercredi 9 décembre 2026 – ALSH »). */
  audience: string;
  recipients: Generated<number>;
  created_by: string;
  created_at: Created;
}

export interface MessageThreadsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  subject: string;
  service: string;
  started_by: "parent" | "town";
  broadcast_id: string | null;
  status: Generated<"to_handle" | "handled">;
  assigned_to: string | null;
  last_parent_at: NullableTimestamp;
  last_town_at: NullableTimestamp;
  last_at: Created;
  parent_deleted_at: NullableTimestamp;
  created_at: Created;
}

export interface MessagesTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  thread_id: string;
  author: "parent" | "town";
  author_user_id: string;
  body: string;
  read_at: NullableTimestamp;
  created_at: Created;
}

export interface MessageAttachmentsTable {
  tenant_id: string;
  id: Generated<string>;
  household_id: string;
  message_id: string;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  content: Buffer;
  created_at: Created;
}

export interface NewsTable {
  tenant_id: string;
  id: Generated<string>;
  title: string;
  body: string;
  audience: "public" | "parents";
  publish_from: string;
  publish_until: string | null;
  image: Buffer | null;
  image_mime: string | null;
  created_by: string;
  created_at: Created;
  updated_at: Created;
}

export interface InfoPagesTable {
  tenant_id: string;
  id: Generated<string>;
  title: string;
  body: string;
  created_at: Created;
  updated_at: Created;
}

export interface TownFormsTable {
  tenant_id: string;
  id: Generated<string>;
  label: string;
  category: string;
  valid_until: string | null;
  filename: string;
  mime: string;
  size: number;
  content: Buffer;
  created_at: Created;
}

export interface MessagesTables {
  broadcasts: BroadcastsTable;
  message_threads: MessageThreadsTable;
  messages: MessagesTable;
  message_attachments: MessageAttachmentsTable;
  news: NewsTable;
  info_pages: InfoPagesTable;
  town_forms: TownFormsTable;
}
