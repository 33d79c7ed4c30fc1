import { type Kysely, sql } from "kysely";

/**
 * « Préinscription » (issue 3, item 10): a new family's public form, kept until staff accept
 * it (the household and its account are then created) or refuse it with a reason.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table preregistrations (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      civility text not null check (civility in ('M.', 'Mme')),
      last_name text not null, first_name text not null,
      email text not null, phone text not null,
      address_line text not null, postal_code text not null, city text not null,
      other_last_name text, other_first_name text, other_phone text,
      children jsonb not null check (jsonb_typeof(children) = 'array'
        and jsonb_array_length(children) between 1 and 4),
      status text not null default 'pending' check (status in ('pending', 'accepted', 'refused')),
      reason text,
      created_at timestamptz not null default now(),
      decided_by uuid,
      decided_at timestamptz,
      household_id uuid,
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      check ((status = 'refused') = (reason is not null)),
      check ((status = 'accepted') = (household_id is not null))
    );
    create index preregistrations_pending_idx on preregistrations (tenant_id, created_at) where status = 'pending';

    alter table preregistrations enable row level security;
    alter table preregistrations force row level security;
    create policy tenant_fence on preregistrations as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy staff_all on preregistrations for all to app_staff using (true) with check (true);
    -- The public form has no session: the auth persona may only add a new pending form,
    -- never read, change or decide one.
    create policy auth_insert on preregistrations for insert to app_auth
      with check (status = 'pending' and reason is null and decided_by is null and household_id is null);

    grant insert on preregistrations to app_auth;
    grant select, update on preregistrations to app_staff;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
