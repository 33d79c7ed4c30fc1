import { type Kysely, sql } from "kysely";

// Personas the request connection switches to per transaction (architecture §4).
const PERSONAS = ["app_parent", "app_staff", "app_operator", "app_auth", "app_jobs"];

/** RLS on, forced, with the RESTRICTIVE tenant fence of architecture §5.2. */
function fence(table: string) {
  return sql.raw(`
    alter table ${table} enable row level security;
    alter table ${table} force row level security;
    create policy tenant_fence on ${table} as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
  `);
}

function policy(table: string, name: string, command: string, roles: string, expr: string) {
  const using = command === "insert" ? "" : `using (${expr})`;
  const check = command === "select" || command === "delete" ? "" : `with check (${expr})`;
  return sql.raw(`create policy ${name} on ${table} for ${command} to ${roles} ${using} ${check};`);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const role of PERSONAS) {
    await sql
      .raw(
        `do $$ begin
           if not exists (select from pg_roles where rolname = '${role}') then
             create role ${role} nologin noinherit;
           end if;
         end $$;`,
      )
      .execute(db);
  }

  await sql`create schema app`.execute(db);
  await sql`grant usage on schema app to ${sql.raw(PERSONAS.join(", "))}`.execute(db);
  for (const [fn, key] of [
    ["tenant_id", "app.tenant_id"],
    ["user_id", "app.user_id"],
    ["household_id", "app.household_id"],
  ]) {
    await sql
      .raw(
        `create function app.${fn}() returns uuid language sql stable parallel safe
           as $$ select nullif(current_setting('${key}', true), '')::uuid $$;`,
      )
      .execute(db);
  }

  await sql`
    create table tenants (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text not null,
      status text not null default 'active' check (status in ('active', 'suspended')),
      hostnames text[] not null default '{}',
      config jsonb not null,
      logo_svg text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index tenants_hostnames_idx on tenants using gin (hostnames);
    alter table tenants enable row level security;
    alter table tenants force row level security;
    create policy own_tenant on tenants for select to app_parent, app_staff, app_auth, app_jobs
      using (id = (select app.tenant_id()));
    create policy operator_all on tenants for all to app_operator using (true) with check (true);
    grant select on tenants to app_parent, app_staff, app_auth, app_jobs;
    grant select, insert, update on tenants to app_operator;

    -- Host -> town before any context exists (architecture §4): the one narrow definer.
    create function app.resolve_host(p_slug text, p_host text)
      returns table (id uuid, slug text, name text, status text, config jsonb, logo_svg text)
      language sql stable security definer set search_path = pg_catalog, public
      as $$
        select t.id, t.slug, t.name, t.status, t.config, t.logo_svg from public.tenants t
        where t.slug = p_slug or p_host = any (t.hostnames)
        order by (t.slug = p_slug) desc limit 1
      $$;
    revoke all on function app.resolve_host(text, text) from public;
  `.execute(db);

  await sql`
    create table households (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      number text not null,
      name text not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, number)
    );

    create table users (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      kind text not null check (kind in ('parent', 'staff')),
      household_id uuid,
      staff_role text check (staff_role in ('admin', 'agent')),
      email text check (email = lower(email)),
      login text check (login = lower(login)),
      civility text,
      first_name text not null,
      last_name text not null,
      password_hash text,
      must_change_password boolean not null default false,
      email_verified_at timestamptz,
      password_changed_at timestamptz,
      created_at timestamptz not null default now(),
      disabled_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      check ((kind = 'parent') = (household_id is not null)),
      check ((kind = 'staff') = (staff_role is not null)),
      check (email is not null or login is not null)
    );
    create unique index users_email_key on users (tenant_id, kind, email);
    create unique index users_login_key on users (tenant_id, kind, login);
    create index users_household_idx on users (tenant_id, household_id);

    create table sessions (
      tenant_id uuid not null references tenants (id),
      id text not null,
      user_id uuid not null,
      remember boolean not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index sessions_user_idx on sessions (tenant_id, user_id);

    create table auth_tokens (
      tenant_id uuid not null references tenants (id),
      id text not null,
      user_id uuid not null,
      purpose text not null check (purpose in ('activation', 'password_reset', 'email_change')),
      new_email text,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
    );
    create index auth_tokens_user_idx on auth_tokens (tenant_id, user_id, purpose);

    create table login_throttle (
      tenant_id uuid not null default app.tenant_id() references tenants (id),
      key text not null,
      failures integer not null default 0,
      blocked_until timestamptz,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, key)
    );

    create table auth_events (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      user_id uuid,
      event text not null,
      ip text,
      at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    create index auth_events_user_idx on auth_events (tenant_id, user_id, at);

    create table outbox (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      to_address text not null,
      subject text not null,
      text_body text not null,
      html_body text not null,
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      attempts integer not null default 0,
      last_error text,
      primary key (tenant_id, id)
    );
    create index outbox_pending_idx on outbox (tenant_id, created_at) where sent_at is null;
  `.execute(db);

  for (const t of [
    "households",
    "users",
    "sessions",
    "auth_tokens",
    "login_throttle",
    "auth_events",
    "outbox",
  ]) {
    await fence(t).execute(db);
  }

  const self = "(select app.user_id())";
  const statements = [
    // households
    policy("households", "auth_read", "select", "app_auth", "true"),
    policy("households", "staff_all", "all", "app_staff", "true"),
    policy("households", "parent_own", "select", "app_parent", "id = (select app.household_id())"),
    // users
    policy("users", "auth_all", "all", "app_auth", "true"),
    policy("users", "staff_all", "all", "app_staff", "true"),
    policy("users", "parent_self_read", "select", "app_parent", `id = ${self}`),
    policy("users", "parent_self_update", "update", "app_parent", `id = ${self}`),
    // sessions
    policy("sessions", "auth_all", "all", "app_auth", "true"),
    policy("sessions", "own_read", "select", "app_parent, app_staff", `user_id = ${self}`),
    policy("sessions", "own_delete", "delete", "app_parent, app_staff", `user_id = ${self}`),
    // auth tokens
    policy("auth_tokens", "auth_all", "all", "app_auth", "true"),
    policy("auth_tokens", "staff_all", "all", "app_staff", "true"),
    policy("auth_tokens", "own_insert", "insert", "app_parent", `user_id = ${self}`),
    policy("auth_tokens", "own_read", "select", "app_parent", `user_id = ${self}`),
    policy("auth_tokens", "own_update", "update", "app_parent", `user_id = ${self}`),
    // throttle, events
    policy("login_throttle", "auth_all", "all", "app_auth", "true"),
    policy("auth_events", "auth_write", "insert", "app_auth", "true"),
    policy("auth_events", "own_write", "insert", "app_parent, app_staff", `user_id = ${self}`),
    // Staff act on their town's accounts (opening one sends its activation): they log those events too.
    policy("auth_events", "staff_write", "insert", "app_staff", "true"),
    policy("auth_events", "staff_read", "select", "app_staff", "true"),
    // outbox: written by requests, relayed by jobs
    policy("outbox", "request_insert", "insert", "app_auth, app_parent, app_staff", "true"),
    policy("outbox", "jobs_all", "all", "app_jobs", "true"),
  ];
  for (const s of statements) await s.execute(db);

  await sql`
    grant select on households to app_auth, app_parent;
    grant select, insert, update on households to app_staff;
    grant select, insert, update on users to app_auth, app_staff;
    grant select, update (password_hash, must_change_password, password_changed_at, email, email_verified_at)
      on users to app_parent;
    grant select on users to app_parent;
    grant select, insert, update, delete on sessions to app_auth;
    grant select, delete on sessions to app_parent, app_staff;
    grant select, insert, update on auth_tokens to app_auth, app_staff;
    grant select, insert, update (used_at) on auth_tokens to app_parent;
    grant select, insert, update, delete on login_throttle to app_auth;
    grant insert on auth_events to app_auth, app_parent, app_staff;
    grant select on auth_events to app_staff;
    grant insert on outbox to app_auth, app_parent, app_staff;
    grant select, update on outbox to app_jobs;
  `.execute(db);

  // Platform operators: not town data, fenced to their own personas.
  await sql`
    create table operators (
      id uuid primary key default gen_random_uuid(),
      email text not null unique check (email = lower(email)),
      name text not null,
      password_hash text not null,
      created_at timestamptz not null default now()
    );
    create table operator_sessions (
      id text primary key,
      operator_id uuid not null references operators (id) on delete cascade,
      remember boolean not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create table operator_throttle (
      key text primary key,
      failures integer not null default 0,
      blocked_until timestamptz,
      updated_at timestamptz not null default now()
    );
    create table platform_audit (
      id uuid primary key default gen_random_uuid(),
      operator_id uuid,
      event text not null,
      target_tenant_id uuid references tenants (id),
      ip text,
      at timestamptz not null default now()
    );
  `.execute(db);
  for (const t of ["operators", "operator_sessions", "operator_throttle", "platform_audit"]) {
    await sql
      .raw(`alter table ${t} enable row level security; alter table ${t} force row level security;`)
      .execute(db);
  }
  for (const s of [
    policy("operators", "auth_read", "select", "app_auth", "true"),
    policy("operators", "self_read", "select", "app_operator", `id = ${self}`),
    policy("operators", "operator_insert", "insert", "app_operator", "true"),
    policy("operator_sessions", "auth_all", "all", "app_auth", "true"),
    policy("operator_sessions", "own_delete", "delete", "app_operator", `operator_id = ${self}`),
    policy("operator_sessions", "own_read", "select", "app_operator", `operator_id = ${self}`),
    policy("operator_throttle", "auth_all", "all", "app_auth", "true"),
    policy("platform_audit", "auth_write", "insert", "app_auth", "true"),
    policy("platform_audit", "operator_write", "insert", "app_operator", `operator_id = ${self}`),
    policy("platform_audit", "operator_read", "select", "app_operator", "true"),
  ]) {
    await s.execute(db);
  }
  await sql`
    grant select on operators to app_auth, app_operator;
    grant insert on operators to app_operator;
    grant select, insert, update, delete on operator_sessions to app_auth;
    grant select, delete on operator_sessions to app_operator;
    grant select, insert, update, delete on operator_throttle to app_auth;
    grant insert on platform_audit to app_auth, app_operator;
    grant select on platform_audit to app_operator;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error("The foundation migration is not reversible: town records are archives.");
}
