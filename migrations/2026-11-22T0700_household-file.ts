import { type Kysely, sql } from "kysely";

const self = "(select app.user_id())";
const ownHousehold = "household_id = (select app.household_id())";

function fence(table: string) {
  return sql.raw(`
    alter table ${table} enable row level security;
    alter table ${table} force row level security;
    create policy tenant_fence on ${table} as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy staff_all on ${table} for all to app_staff using (true) with check (true);
  `);
}

/** The parent's own household, read and written (the household fence of architecture §5.3). */
function parentOwn(table: string, commands: string[]) {
  return sql.raw(
    commands
      .map(
        (cmd) =>
          `create policy parent_${cmd} on ${table} for ${cmd} to app_parent ${
            cmd === "insert" ? "" : `using (${ownHousehold})`
          } ${cmd === "select" || cmd === "delete" ? "" : `with check (${ownHousehold})`};`,
      )
      .join("\n"),
  );
}

/**
 * The household file (issue 3): guardians, household details, children, health, authorised
 * persons, consents, documents, change requests and the audit of every write.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table households
      add column address_line text, add column postal_code text, add column city text,
      add column phone_main text, add column phone_other text,
      add column caf_regime text check (caf_regime in ('CAF', 'MSA', 'AUTRE')),
      add column caf_number text, add column family_quotient integer check (family_quotient >= 0),
      add column children_count integer check (children_count between 0 and 30),
      add column dependent_children integer check (dependent_children between 0 and 30),
      add column fiscal_income_cents bigint check (fiscal_income_cents >= 0),
      add column tax_shares numeric(4, 2) check (tax_shares > 0 and tax_shares <= 20),
      add column iban text, add column bic text, add column account_holder text,
      add column updated_at timestamptz not null default now();

    create table guardians (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      user_id uuid,
      rank smallint not null check (rank in (1, 2)),
      civility text, last_name text not null, first_name text not null,
      birth_date date, sex text check (sex in ('M', 'F')), relationship text, situation text,
      address_line text, postal_code text, city text,
      email text, phone_home text, phone_mobile text, phone_work text,
      profession text, employer text, employer_address text,
      consent_email boolean not null default false, consent_sms boolean not null default false,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, household_id, rank),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, user_id) references users (tenant_id, id)
    );
    create unique index guardians_user_key on guardians (tenant_id, user_id);

    create table children (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      first_name text not null, last_name text not null, birth_date date not null,
      sex text check (sex in ('M', 'F')), school text, class_level text,
      photo bytea, photo_type text,
      created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id)
    );
    create index children_household_idx on children (tenant_id, household_id);

    create table health_records (
      tenant_id uuid not null references tenants (id),
      child_id uuid not null,
      household_id uuid not null,
      doctor_name text, doctor_phone text,
      vaccinations jsonb not null default '[]',
      allergies_food text, allergies_medication text, allergies_other text,
      pai boolean not null default false, diet text, treatments text,
      glasses boolean not null default false, hearing_aid boolean not null default false, remarks text,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, child_id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id)
    );

    create table authorised_persons (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      child_id uuid not null,
      household_id uuid not null,
      last_name text not null, first_name text not null, relationship text,
      phone text not null, phone_other text,
      can_pick_up boolean not null default true, emergency_contact boolean not null default false,
      is_minor boolean not null default false,
      primary key (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id)
    );
    create index authorised_persons_child_idx on authorised_persons (tenant_id, child_id);

    create table child_consents (
      tenant_id uuid not null references tenants (id),
      child_id uuid not null,
      household_id uuid not null,
      key text not null,
      granted boolean not null,
      answered_at timestamptz not null default now(),
      primary key (tenant_id, child_id, key),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id)
    );

    create table change_requests (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      section text not null,
      target_id uuid,
      current_values jsonb not null,
      proposed_values jsonb not null,
      status text not null default 'pending' check (status in ('pending', 'accepted', 'refused', 'withdrawn')),
      reason text,
      created_by uuid not null,
      created_at timestamptz not null default now(),
      decided_by uuid,
      decided_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      check ((status = 'refused') = (reason is not null))
    );
    create index change_requests_household_idx on change_requests (tenant_id, household_id, created_at);
    create index change_requests_pending_idx on change_requests (tenant_id, created_at) where status = 'pending';

    create table audit_log (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid,
      actor_id uuid,
      actor_kind text not null check (actor_kind in ('parent', 'staff', 'operator', 'system')),
      action text not null,
      entity text not null,
      entity_id uuid,
      fields text[] not null default '{}',
      at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    create index audit_log_household_idx on audit_log (tenant_id, household_id, at);
  `.execute(db);

  for (const t of [
    "guardians",
    "children",
    "health_records",
    "authorised_persons",
    "child_consents",
    "change_requests",
    "audit_log",
  ]) {
    await fence(t).execute(db);
  }
  await parentOwn("guardians", ["select", "insert", "update", "delete"]).execute(db);
  await parentOwn("children", ["select", "insert", "update"]).execute(db);
  await parentOwn("health_records", ["select", "insert", "update"]).execute(db);
  await parentOwn("authorised_persons", ["select", "insert", "update", "delete"]).execute(db);
  await parentOwn("child_consents", ["select", "insert", "update"]).execute(db);
  await parentOwn("change_requests", ["select", "insert", "update"]).execute(db);
  await sql
    .raw(`
    create policy parent_insert on audit_log for insert to app_parent
      with check (${ownHousehold} and actor_id = ${self});
    create policy parent_read on audit_log for select to app_parent using (${ownHousehold});
    create policy parent_update on households for update to app_parent
      using (id = (select app.household_id())) with check (id = (select app.household_id()));
  `)
    .execute(db);

  await sql`
    grant update (address_line, postal_code, city, phone_main, phone_other, caf_regime, caf_number,
      family_quotient, children_count, dependent_children, fiscal_income_cents, tax_shares, iban, bic,
      account_holder, updated_at) on households to app_parent;
    grant update (first_name, last_name, civility) on users to app_parent;
    grant select, insert, update, delete on guardians, authorised_persons to app_parent, app_staff;
    grant select, insert, update on children, health_records, child_consents, change_requests to app_parent;
    grant select, insert, update, delete on children, health_records, child_consents, change_requests to app_staff;
    grant select, insert on audit_log to app_parent, app_staff;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
