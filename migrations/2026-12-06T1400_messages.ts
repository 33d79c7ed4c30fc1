import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

const ownHousehold = "household_id = (select app.household_id())";

/**
 * « Boîte de réception » (issue 14): conversations between a household and its town, their
 * messages and attachments, and the town's broadcasts. Every row names its household, so the
 * parent's fence is one policy per table; staff see their whole town.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table broadcasts (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      subject text not null check (length(subject) between 1 and 150),
      body text not null check (length(body) between 1 and 5000),
      audience text not null,
      recipients integer not null default 0,
      created_by uuid not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    create index broadcasts_created_idx on broadcasts (tenant_id, created_at);

    create table message_threads (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      subject text not null check (length(subject) between 1 and 150),
      service text not null,
      started_by text not null check (started_by in ('parent', 'town')),
      broadcast_id uuid,
      status text not null default 'to_handle' check (status in ('to_handle', 'handled')),
      assigned_to uuid,
      last_parent_at timestamptz,
      last_town_at timestamptz,
      last_at timestamptz not null default now(),
      parent_deleted_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, household_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, broadcast_id) references broadcasts (tenant_id, id)
    );
    create index message_threads_household_idx on message_threads (tenant_id, household_id, last_at);
    create index message_threads_staff_idx on message_threads (tenant_id, status, last_at);
    create index message_threads_broadcast_idx on message_threads (tenant_id, broadcast_id)
      where broadcast_id is not null;

    create table messages (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      thread_id uuid not null,
      author text not null check (author in ('parent', 'town')),
      author_user_id uuid not null,
      body text not null check (length(body) between 1 and 5000),
      read_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, household_id, id),
      foreign key (tenant_id, household_id, thread_id)
        references message_threads (tenant_id, household_id, id)
    );
    create index messages_thread_idx on messages (tenant_id, thread_id, created_at);
    -- « 1 Nouveau(x) Message(s) » on every page: the town's unread messages of one household.
    create index messages_unread_town_idx on messages (tenant_id, household_id)
      where author = 'town' and read_at is null;
    create index messages_unread_parent_idx on messages (tenant_id, thread_id)
      where author = 'parent' and read_at is null;
    -- The hourly sending limit counts one author's recent messages.
    create index messages_author_idx on messages (tenant_id, author_user_id, created_at);

    create table message_attachments (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      message_id uuid not null,
      filename text not null check (length(filename) between 1 and 200),
      mime text not null,
      size integer not null check (size > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      content bytea not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id, message_id)
        references messages (tenant_id, household_id, id),
      check (octet_length(content) = size)
    );
    create index message_attachments_message_idx on message_attachments (tenant_id, message_id);

    ${fenceSql("broadcasts")}
    ${fenceSql("message_threads")}
    ${fenceSql("messages")}
    ${fenceSql("message_attachments")}

    create policy parent_select on message_threads for select to app_parent using (${ownHousehold});
    create policy parent_insert on message_threads for insert to app_parent
      with check (${ownHousehold} and started_by = 'parent' and broadcast_id is null);
    create policy parent_update on message_threads for update to app_parent
      using (${ownHousehold}) with check (${ownHousehold});
    create policy parent_select on messages for select to app_parent using (${ownHousehold});
    create policy parent_insert on messages for insert to app_parent
      with check (${ownHousehold} and author = 'parent' and author_user_id = (select app.user_id()));
    create policy parent_update on messages for update to app_parent
      using (${ownHousehold} and author = 'town') with check (${ownHousehold} and author = 'town');
    create policy parent_select on message_attachments for select to app_parent using (${ownHousehold});
    create policy parent_insert on message_attachments for insert to app_parent with check (${ownHousehold});
  `)
    .execute(db);
  await sql`
    grant select, insert on message_threads, messages, message_attachments to app_parent;
    grant update (parent_deleted_at, status, last_parent_at, last_at) on message_threads to app_parent;
    grant update (read_at) on messages to app_parent;
    grant select, insert, update on broadcasts, message_threads, messages to app_staff;
    grant select, insert on message_attachments to app_staff;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
