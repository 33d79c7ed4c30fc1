import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

const ownHousehold = "household_id = (select app.household_id())";
const LIVE = "'pending', 'accepted', 'waiting', 'offered', 'cancel_requested'";

/**
 * « Mon panier » (issue 5 item 8, Séné): services paid at booking. A day that gets a place
 * waits, status "unpaid" and holding its place, in the household's basket of the service's
 * régie until the basket is paid (one PayFiP attempt on the basket, then an invoice) or its
 * deadline passes (the expire_basket job, scheduled at expires_at, frees the places).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table baskets (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      household_id uuid not null,
      regie_id uuid not null,
      state text not null default 'open' check (state in ('open', 'paying', 'paid', 'expired')),
      expires_at timestamptz not null,
      created_by uuid not null,
      -- The lines priced at « Valider et payer », frozen while paying: the invoice is made of them.
      priced jsonb,
      invoice_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id),
      foreign key (tenant_id, regie_id) references regies (tenant_id, id),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
      check ((state = 'paid') = (invoice_id is not null))
    );
    -- One live basket per household and régie: « + Nouvelle réservation » adds to it.
    create unique index baskets_live_key on baskets (tenant_id, household_id, regie_id)
      where state in ('open', 'paying');

    alter table bookings add column basket_id uuid,
      add foreign key (tenant_id, basket_id) references baskets (tenant_id, id);
    create index bookings_basket_idx on bookings (tenant_id, basket_id) where basket_id is not null;
    alter table bookings drop constraint bookings_status_check,
      add constraint bookings_status_check check (status in ('pending', 'accepted', 'refused', 'waiting',
        'offered', 'cancel_requested', 'cancelled', 'expired', 'unpaid')),
      drop constraint bookings_check,
      add constraint bookings_holds_place_check
        check (not holds_place or status in ('pending', 'accepted', 'offered', 'cancel_requested', 'unpaid'));
    drop index bookings_live_key;
    create unique index bookings_live_key on bookings (tenant_id, child_id, period_id, day)
      where status in (${LIVE}, 'unpaid');

    alter table payment_attempts alter column invoice_id drop not null,
      add column basket_id uuid,
      add foreign key (tenant_id, basket_id) references baskets (tenant_id, id),
      add constraint payment_attempts_target_check check ((invoice_id is null) <> (basket_id is null));
    create index payment_attempts_basket_idx on payment_attempts (tenant_id, basket_id, created_at)
      where basket_id is not null;

    ${fenceSql("baskets")}
    create policy parent_select on baskets for select to app_parent using (${ownHousehold});
    create policy parent_insert on baskets for insert to app_parent
      with check (${ownHousehold} and created_by = (select app.user_id()));
    create policy parent_update on baskets for update to app_parent
      using (${ownHousehold}) with check (${ownHousehold});
    grant select, insert, update on baskets to app_parent, app_staff;

    -- The jobs persona settles a paid basket (its invoice, numbered from the régie's counter)
    -- and expires an unpaid one.
    create policy jobs_select on baskets for select to app_jobs using (true);
    create policy jobs_update on baskets for update to app_jobs using (true) with check (true);
    create policy jobs_insert on invoices for insert to app_jobs with check (kind = 'invoice');
    create policy jobs_insert on invoice_lines for insert to app_jobs with check (booking_id is not null);
    create policy jobs_select on counters for select to app_jobs using (true);
    create policy jobs_insert on counters for insert to app_jobs with check (true);
    create policy jobs_update on counters for update to app_jobs using (true) with check (true);
    grant select, update on baskets to app_jobs;
    grant insert on invoices, invoice_lines to app_jobs;
    grant select, insert, update on counters to app_jobs;

    create function app.enqueue_basket_expiry() returns trigger
      language plpgsql security definer set search_path = pg_catalog, public
      as $$
      begin
        perform graphile_worker.add_job(
          'expire_basket',
          json_build_object('tenantId', new.tenant_id, 'id', new.id),
          run_at => new.expires_at,
          max_attempts => 12
        );
        return null;
      end
      $$;
    revoke all on function app.enqueue_basket_expiry() from public;
    create trigger basket_expiry_enqueue after insert on baskets
      for each row execute function app.enqueue_basket_expiry();
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
