import { type Kysely, sql } from "kysely";

const ownHousehold = "household_id = (select app.household_id())";

/**
 * « Mes documents » (issue 3, items 4 and 9): the files themselves live in PostgreSQL, so the
 * same row-level security fences them as every other row of the household file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Lets a child's document name both its household and its child in one foreign key.
    create unique index children_household_key on children (tenant_id, household_id, id);

    create table documents (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      child_id uuid,
      type text not null,
      filename text not null check (length(filename) between 1 and 200),
      mime text not null,
      size integer not null check (size > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      content bytea not null,
      state text not null default 'deposited' check (state in ('deposited', 'validated', 'refused')),
      reason text,
      valid_until date,
      uploaded_by uuid not null,
      decided_by uuid,
      decided_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, household_id, child_id) references children (tenant_id, household_id, id),
      check ((state = 'refused') = (reason is not null)),
      check (octet_length(content) = size)
    );
    create index documents_household_idx on documents (tenant_id, household_id, created_at);
    create index documents_deposited_idx on documents (tenant_id, created_at) where state = 'deposited';

    alter table documents enable row level security;
    alter table documents force row level security;
    create policy tenant_fence on documents as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy staff_all on documents for all to app_staff using (true) with check (true);
  `.execute(db);
  await sql
    .raw(`
    create policy parent_select on documents for select to app_parent using (${ownHousehold});
    create policy parent_insert on documents for insert to app_parent
      with check (${ownHousehold} and uploaded_by = (select app.user_id()) and state = 'deposited');
  `)
    .execute(db);
  await sql`
    grant select, insert on documents to app_parent;
    grant select on documents to app_staff;
    grant update (state, reason, decided_by, decided_at, updated_at) on documents to app_staff;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
