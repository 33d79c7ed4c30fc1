import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

const ownHousehold = "household_id = (select app.household_id())";

/**
 * Billing (issue 5): régies and tariffs (provisioned from the tenant file, then the
 * town's), invoicing runs, invoices and credit notes (« avoirs ») with their lines, and
 * payments. Money is integer cents; an issued invoice is never edited, only credited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table regies (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      key text not null, name text not null,
      numcli text not null check (numcli ~ '^[0-9]{6}$'),
      invoice_prefix text not null,
      collection text not null default 'self' check (collection in ('self', 'treasury')),
      primary key (tenant_id, id), unique (tenant_id, key)
    );
    alter table services add column regie_id uuid,
      add foreign key (tenant_id, regie_id) references regies (tenant_id, id);

    create table tariffs (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      service_id uuid not null,
      effective_from date not null,
      spec jsonb not null,
      primary key (tenant_id, id), unique (tenant_id, service_id, effective_from),
      foreign key (tenant_id, service_id) references services (tenant_id, id)
    );

    create table invoicing_runs (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      regie_id uuid not null,
      month date not null check (extract(day from month) = 1),
      issued_by uuid not null,
      issued_at timestamptz not null default now(),
      invoice_count integer not null, line_count integer not null, total_cents bigint not null,
      primary key (tenant_id, id), unique (tenant_id, regie_id, month),
      foreign key (tenant_id, regie_id) references regies (tenant_id, id)
    );

    create table invoices (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      regie_id uuid not null,
      household_id uuid not null,
      kind text not null check (kind in ('invoice', 'credit_note')),
      seq bigint not null check (seq > 0),
      number text not null,
      month date,
      run_id uuid,
      credited_invoice_id uuid,
      issued_on date not null,
      due_on date,
      total_cents bigint not null check (total_cents >= 0),
      treasury_ref text,
      treasury_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, regie_id, kind, seq),
      foreign key (tenant_id, regie_id) references regies (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, run_id) references invoicing_runs (tenant_id, id),
      foreign key (tenant_id, credited_invoice_id) references invoices (tenant_id, id),
      check ((kind = 'credit_note') = (credited_invoice_id is not null))
    );
    create index invoices_household_idx on invoices (tenant_id, household_id, issued_on);

    create table invoice_lines (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      invoice_id uuid not null,
      household_id uuid not null,
      booking_id uuid,
      child_id uuid,
      day date,
      label text not null,
      quantity integer not null check (quantity > 0),
      unit_cents bigint not null check (unit_cents >= 0),
      amount_cents bigint not null check (amount_cents = quantity * unit_cents),
      position integer not null,
      primary key (tenant_id, id),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
      foreign key (tenant_id, booking_id) references bookings (tenant_id, id),
      foreign key (tenant_id, child_id) references children (tenant_id, id)
    );
    create index invoice_lines_invoice_idx on invoice_lines (tenant_id, invoice_id, position);
    -- A booking's day is billed once, whatever runs again: credit notes carry no booking.
    create unique index invoice_lines_booking_key on invoice_lines (tenant_id, booking_id, label)
      where booking_id is not null;

    create table payments (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      regie_id uuid not null,
      household_id uuid not null,
      invoice_id uuid not null,
      method text not null check (method in ('cheque', 'especes', 'cesu', 'virement', 'payfip_card', 'payfip_debit')),
      amount_cents bigint not null check (amount_cents > 0),
      received_on date not null,
      reference text,
      recorded_by uuid,
      attempt_id uuid,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, attempt_id),
      foreign key (tenant_id, regie_id) references regies (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
    );
    create index payments_household_idx on payments (tenant_id, household_id, received_on);

    ${fenceSql("regies")} ${fenceSql("tariffs")} ${fenceSql("invoicing_runs")} ${fenceSql("invoices")}
    ${fenceSql("invoice_lines")} ${fenceSql("payments")}
    create policy parent_select on regies for select to app_parent using (true);
    create policy parent_select on tariffs for select to app_parent using (true);
    create policy parent_select on invoices for select to app_parent using (${ownHousehold});
    create policy parent_select on invoice_lines for select to app_parent using (${ownHousehold});
    create policy parent_select on payments for select to app_parent using (${ownHousehold});
    grant select on regies, tariffs, invoices, invoice_lines, payments to app_parent;
    grant select, insert, update on regies, tariffs to app_staff;
    grant select, insert on invoicing_runs, invoice_lines, payments to app_staff;
    grant select, insert, update on invoices to app_staff;
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
