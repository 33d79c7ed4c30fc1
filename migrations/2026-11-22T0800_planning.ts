import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

const ownHousehold = "household_id = (select app.household_id())";

function parent(table: string, commands: string[], expr = ownHousehold) {
  return commands
    .map((cmd) => {
      const using = cmd === "insert" ? "" : `using (${expr})`;
      const check = cmd === "select" || cmd === "delete" ? "" : `with check (${expr})`;
      return `create policy parent_${cmd} on ${table} for ${cmd} to app_parent ${using} ${check};`;
    })
    .join("\n");
}

/** The background jobs (waiting list, later basket expiry) act on any household of the town. */
function jobs(table: string, commands: string[]) {
  return commands
    .map((cmd) => {
      const using = cmd === "insert" ? "" : "using (true)";
      const check = cmd === "select" || cmd === "delete" ? "" : "with check (true)";
      return `create policy jobs_${cmd} on ${table} for ${cmd} to app_jobs ${using} ${check};`;
    })
    .join("\n");
}

/**
 * Planning (issue 4): the town's offer (facilities › services › periods, editable by staff),
 * the per-day occupancy counters that keep capacity, booking dossiers (one validation each),
 * bookings, absences, and place releases that wake the waiting-list job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table facilities (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      key text not null, name text not null, position integer not null default 0,
      primary key (tenant_id, id), unique (tenant_id, key)
    );
    create table services (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      facility_id uuid not null,
      key text not null, name text not null,
      unit text not null default 'day' check (unit in ('day', 'half_day', 'meal', 'hour', 'flat')),
      eligibility jsonb not null default '{}', rules jsonb not null default '{}',
      position integer not null default 0,
      primary key (tenant_id, id), unique (tenant_id, key),
      foreign key (tenant_id, facility_id) references facilities (tenant_id, id)
    );
    create table periods (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      service_id uuid not null,
      key text not null, name text not null, category text,
      starts_on date not null, ends_on date not null,
      weekdays smallint[] not null,
      closures jsonb not null default '[]',
      school_days_only boolean not null default false,
      booking_opens_on date, booking_closes_on date,
      rules jsonb not null default '{}',
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id), unique (tenant_id, key),
      foreign key (tenant_id, service_id) references services (tenant_id, id),
      check (ends_on >= starts_on)
    );
    create index periods_service_idx on periods (tenant_id, service_id);

    -- One row per period and day once someone books it: "taken" counts the places held.
    -- Taking a place is one conditional UPDATE (taken < capacity): the row lock serialises racers.
    create table occupancy (
      tenant_id uuid not null references tenants (id),
      period_id uuid not null,
      day date not null,
      taken integer not null default 0 check (taken >= 0),
      primary key (tenant_id, period_id, day),
      foreign key (tenant_id, period_id) references periods (tenant_id, id)
    );

    -- Per-town counters for display numbers (« N° dossier »; later invoice numbers): the ids
    -- stay UUIDs. Taking a number locks the town's counter row until commit, so it is taken last.
    create table counters (
      tenant_id uuid not null references tenants (id),
      name text not null,
      value bigint not null default 0,
      primary key (tenant_id, name)
    );
    create table booking_dossiers (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      number bigint not null,
      household_id uuid not null,
      kind text not null check (kind in ('booking', 'cancellation')),
      period_id uuid not null,
      created_by uuid, created_by_name text not null,
      idempotency_key uuid not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id), unique (tenant_id, number),
      unique (tenant_id, household_id, idempotency_key),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, period_id) references periods (tenant_id, id)
    );
    create index booking_dossiers_household_idx on booking_dossiers (tenant_id, household_id, created_at);

    create table bookings (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      child_id uuid not null,
      period_id uuid not null,
      service_id uuid not null,
      day date not null,
      status text not null check (status in
        ('pending', 'accepted', 'refused', 'waiting', 'offered', 'cancel_requested', 'cancelled', 'expired')),
      -- Whether the booking counts in occupancy.taken (kept in step with status by the service).
      holds_place boolean not null,
      dossier_id uuid not null,
      cancel_dossier_id uuid,
      late_cancel boolean not null default false,
      reason text,
      decided_by uuid, decided_at timestamptz,
      attendance text check (attendance in ('present', 'absent_excused', 'absent_billed')),
      attendance_by uuid, attendance_at timestamptz,
      -- Added by staff at « pointage »: the child came without a booking.
      unbooked boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, period_id) references periods (tenant_id, id),
      foreign key (tenant_id, service_id) references services (tenant_id, id),
      foreign key (tenant_id, dossier_id) references booking_dossiers (tenant_id, id),
      foreign key (tenant_id, cancel_dossier_id) references booking_dossiers (tenant_id, id),
      check (not holds_place or status in ('pending', 'accepted', 'offered', 'cancel_requested'))
    );
    -- A child has at most one live booking per period and day: a double click cannot book twice.
    create unique index bookings_live_key on bookings (tenant_id, child_id, period_id, day)
      where status in ('pending', 'accepted', 'waiting', 'offered', 'cancel_requested');
    create index bookings_household_day_idx on bookings (tenant_id, household_id, day);
    create index bookings_period_day_idx on bookings (tenant_id, period_id, day, status);
    create index bookings_service_day_idx on bookings (tenant_id, service_id, day);
    create index bookings_dossier_idx on bookings (tenant_id, dossier_id);

    create table absences (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      child_id uuid not null,
      booking_id uuid not null,
      reason_key text not null, reason_label text not null, details text,
      medical boolean not null default false,
      billed boolean not null,
      status text not null default 'pending' check (status in ('pending', 'accepted', 'refused')),
      certificate_due date,
      document_id uuid,
      refusal_reason text,
      created_by uuid,
      decided_by uuid, decided_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id),
      foreign key (tenant_id, booking_id) references bookings (tenant_id, id),
      foreign key (tenant_id, document_id) references documents (tenant_id, id)
    );
    create unique index absences_live_key on absences (tenant_id, booking_id) where status in ('pending', 'accepted');
    create index absences_household_idx on absences (tenant_id, household_id, created_at);

    -- A place freed by a parent: the waiting-list job (app_jobs) gives it to the next in line.
    create table place_releases (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      period_id uuid not null,
      day date not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, period_id) references periods (tenant_id, id)
    );

    ${fenceSql("counters")}
    create policy parent_select on counters for select to app_parent using (true);
    create policy parent_insert on counters for insert to app_parent with check (true);
    create policy parent_update on counters for update to app_parent using (true) with check (true);
    grant select, insert, update on counters to app_parent, app_staff;
    ${fenceSql("facilities")} ${fenceSql("services")} ${fenceSql("periods")} ${fenceSql("occupancy")}
    ${fenceSql("booking_dossiers")} ${fenceSql("bookings")} ${fenceSql("absences")} ${fenceSql("place_releases")}

    create policy parent_select on facilities for select to app_parent using (true);
    create policy parent_select on services for select to app_parent using (true);
    create policy parent_select on periods for select to app_parent using (true);
    create policy parent_select on occupancy for select to app_parent using (true);
    create policy parent_insert on occupancy for insert to app_parent with check (true);
    create policy parent_update on occupancy for update to app_parent using (true) with check (true);
    create policy parent_insert on place_releases for insert to app_parent with check (true);
    ${parent("booking_dossiers", ["select", "insert"])}
    ${parent("bookings", ["select", "insert", "update"])}
    ${parent("absences", ["select", "insert", "update"])}
    ${jobs("facilities", ["select"])} ${jobs("services", ["select"])} ${jobs("periods", ["select"])}
    ${jobs("occupancy", ["select", "insert", "update"])} ${jobs("bookings", ["select", "update"])}
    ${jobs("place_releases", ["select", "delete"])} ${jobs("booking_dossiers", ["select"])}
    ${jobs("children", ["select"])} ${jobs("users", ["select"])}

    grant select on facilities, services, periods to app_parent, app_jobs;
    grant select, insert, update, delete on facilities, services, periods to app_staff;
    grant select, insert, update on occupancy to app_parent, app_staff;
    grant select, insert, update on occupancy to app_jobs;
    grant select, insert on booking_dossiers to app_parent, app_staff;
    grant select on booking_dossiers to app_jobs;
    grant select, insert, update on bookings to app_parent, app_staff;
    grant select, update on bookings to app_jobs;
    grant select, insert, update on absences to app_parent, app_staff;
    grant insert on place_releases to app_parent, app_staff;
    grant select, delete on place_releases to app_jobs;
    grant select on children, users to app_jobs;
    grant insert on outbox to app_jobs;

    create function app.enqueue_place_release() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public
      as $$
      begin
        perform graphile_worker.add_job(
          'promote_waiting',
          json_build_object('tenantId', new.tenant_id, 'id', new.id),
          max_attempts => 12
        );
        return null;
      end
      $$;
    revoke all on function app.enqueue_place_release() from public;
    create trigger place_release_enqueue after insert on place_releases
      for each row execute function app.enqueue_place_release();
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
