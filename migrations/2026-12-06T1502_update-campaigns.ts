import { type Kysely, sql } from "kysely";
import { fenceSql } from "./rls.ts";

const own = "household_id = (select app.household_id())";

/**
 * « Mise à jour du dossier » (issue 15): the town's annual campaign (deadline, sections to
 * confirm) and each household's answer (sections ticked as checked, when it finished,
 * when it was last reminded).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create table update_campaigns (
      tenant_id uuid not null references tenants (id),
      id uuid not null default gen_random_uuid(),
      name text not null,
      deadline date not null,
      sections text[] not null check (cardinality(sections) > 0),
      status text not null default 'open' check (status in ('open', 'closed')),
      opened_by uuid,
      opened_at timestamptz not null default now(),
      closed_at timestamptz,
      primary key (tenant_id, id)
    );
    -- One open campaign per town at a time.
    create unique index update_campaigns_open_key on update_campaigns (tenant_id) where status = 'open';

    create table campaign_answers (
      tenant_id uuid not null references tenants (id),
      campaign_id uuid not null,
      household_id uuid not null,
      checked text[] not null default '{}',
      completed_at timestamptz,
      reminded_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, campaign_id, household_id),
      foreign key (tenant_id, campaign_id) references update_campaigns (tenant_id, id),
      foreign key (tenant_id, household_id) references households (tenant_id, id)
    );

    ${fenceSql("update_campaigns")}
    ${fenceSql("campaign_answers")}
    create policy parent_select on update_campaigns for select to app_parent using (true);
    create policy parent_select on campaign_answers for select to app_parent using (${own});
    create policy parent_insert on campaign_answers for insert to app_parent with check (${own} and reminded_at is null);
    create policy parent_update on campaign_answers for update to app_parent using (${own}) with check (${own});
    grant select on update_campaigns to app_parent;
    grant select, insert, update on update_campaigns to app_staff;
    grant select, insert, update on campaign_answers to app_parent, app_staff;
  `)
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error("not reversible");
}
