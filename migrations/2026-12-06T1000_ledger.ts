import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

const ownHousehold = "household_id = (select app.household_id())";

/**
 * Issue 10: the household's account per régie is a ledger that balances. A credit note
 * (« avoir ») is a credit of the household; `credit_allocations` spends it on invoices of
 * the same régie (the invoice it corrects first, then the next ones), what is left is a
 * credit the family holds and may have refunded (`refunds`, paid by bank transfer). A
 * Treasury correction (« réduction » / « annulation de titre ») is a credit note carrying
 * the Treasury's reference. A place offered from the waiting list waits for its answer
 * until `offer_expires_at` (the expire_offer job, scheduled at that time, passes it on).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table credit_allocations (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      regie_id uuid not null,
      credit_note_id uuid not null,
      invoice_id uuid not null,
      amount_cents bigint not null check (amount_cents > 0),
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, regie_id) references regies (tenant_id, id),
      foreign key (tenant_id, credit_note_id) references invoices (tenant_id, id),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
    );
    create index credit_allocations_invoice_idx on credit_allocations (tenant_id, invoice_id);
    create index credit_allocations_credit_idx on credit_allocations (tenant_id, credit_note_id);

    create table refunds (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      regie_id uuid not null,
      amount_cents bigint not null check (amount_cents > 0),
      state text not null default 'requested' check (state in ('requested', 'paid')),
      iban text not null,
      account_holder text not null,
      requested_by uuid not null,
      requested_at timestamptz not null default now(),
      paid_on date,
      reference text,
      recorded_by uuid,
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, regie_id) references regies (tenant_id, id),
      check ((state = 'paid') = (paid_on is not null))
    );
    create index refunds_household_idx on refunds (tenant_id, household_id, regie_id);

    alter table invoices
      add column treasury_correction text check (treasury_correction in ('reduction', 'annulation')),
      add column treasury_correction_ref text,
      add constraint invoices_correction_kind_check
        check ((treasury_correction is null) = (treasury_correction_ref is null)
          and (treasury_correction is null or kind = 'credit_note'));
    -- A credit note's line names the invoice line it credits: a day is credited once.
    alter table invoice_lines add column credits_line_id uuid,
      add foreign key (tenant_id, credits_line_id) references invoice_lines (tenant_id, id);
    create unique index invoice_lines_credited_key on invoice_lines (tenant_id, credits_line_id)
      where credits_line_id is not null;
    -- The credit a basket being paid spends, reserved until its invoice is issued.
    alter table baskets add column credit_cents bigint not null default 0 check (credit_cents >= 0);
    alter table bookings add column offer_expires_at timestamptz;

    ${fenceSql("credit_allocations")} ${fenceSql("refunds")}
    create policy parent_select on credit_allocations for select to app_parent using (${ownHousehold});
    create policy parent_insert on credit_allocations for insert to app_parent with check (${ownHousehold});
    create policy parent_select on refunds for select to app_parent using (${ownHousehold});
    create policy parent_insert on refunds for insert to app_parent
      with check (${ownHousehold} and state = 'requested' and requested_by = (select app.user_id()));
    -- Cancelling a paid day free of charge issues its credit note in the parent's transaction.
    create policy parent_insert on invoices for insert to app_parent
      with check (${ownHousehold} and kind = 'credit_note' and treasury_correction is null);
    create policy parent_insert on invoice_lines for insert to app_parent
      with check (${ownHousehold} and credits_line_id is not null);
    grant insert on invoices, invoice_lines to app_parent;
    grant select, insert on credit_allocations, refunds to app_parent;
    grant select, insert, update on credit_allocations, refunds to app_staff;

    -- The jobs persona spends credit on a paid basket's invoice and checks the accounts.
    create policy jobs_select on credit_allocations for select to app_jobs using (true);
    create policy jobs_insert on credit_allocations for insert to app_jobs with check (true);
    create policy jobs_select on refunds for select to app_jobs using (true);
    create policy jobs_select on invoice_lines for select to app_jobs using (true);
    grant select, insert on credit_allocations to app_jobs;
    grant select on refunds, invoice_lines to app_jobs;

    create function app.enqueue_offer_expiry() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public
      as $$
      begin
        perform graphile_worker.add_job(
          'expire_offer',
          json_build_object('tenantId', new.tenant_id, 'id', new.id),
          run_at => new.offer_expires_at,
          max_attempts => 12
        );
        return null;
      end
      $$;
    revoke all on function app.enqueue_offer_expiry() from public;
    create trigger offer_expiry_enqueue after update of status on bookings
      for each row when (new.status = 'offered' and old.status is distinct from 'offered'
        and new.offer_expires_at is not null)
      execute function app.enqueue_offer_expiry();
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
