import { type Kysely, sql } from "kysely";

/**
 * Writing as support (issue 13): an operator inside a town's back-office acts with the
 * operator's id as `app.user_id`, which names no user of the town.
 * - The town's settings accept the write of an operator whose support entry into this town is
 *   live and was opened for writing (with a reason), as they accept the town's own admins.
 * - The household audit records such an actor as what it is: `actor_kind = 'operator'`, however
 *   the feature that wrote the row named it (`staff`). Other `*_by` columns carry no foreign key
 *   to users: they hold the operator's id, found in `support_entries` and `platform_audit`;
 *   `app.support_name(id)` names it where a list shows who recorded a row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    create function app.support_writer() returns boolean language sql stable
      security definer set search_path = pg_catalog, public as $$
        select exists (
          select from support_entries s
          where s.target_tenant_id = (select app.tenant_id()) and s.operator_id = (select app.user_id())
            and s.write and s.session_token is not null and s.ended_at is null and s.expires_at > now())
      $$;
    revoke all on function app.support_writer() from public;
    grant execute on function app.support_writer() to app_staff;

    create policy support_settings on tenants for update to app_staff
      using (id = (select app.tenant_id()) and (select app.support_writer()))
      with check (id = (select app.tenant_id()));

    -- Who did it, where a list shows a town user's name from a *_by column: an operator's
    -- support entries into this town name them (staff read those entries).
    create function app.support_name(p_id uuid) returns text language sql stable
      set search_path = pg_catalog, public as $$
        select 'Support Parvis (' || s.operator_name || ')' from support_entries s
        where s.operator_id = p_id and s.target_tenant_id = (select app.tenant_id())
        order by s.created_at desc limit 1
      $$;

    create function app.audit_support_actor() returns trigger language plpgsql
      security definer set search_path = pg_catalog, public as $$
      begin
        if new.actor_kind = 'staff' and exists (
          select from support_entries s
          where s.operator_id = new.actor_id and s.target_tenant_id = new.tenant_id) then
          new.actor_kind := 'operator';
        end if;
        return new;
      end $$;
    revoke all on function app.audit_support_actor() from public;
    create trigger audit_support_actor before insert on audit_log
      for each row when (new.actor_kind = 'staff') execute function app.audit_support_actor();
  `)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
    drop trigger audit_support_actor on audit_log;
    drop function app.audit_support_actor();
    drop function app.support_name(uuid);
    drop policy support_settings on tenants;
    drop function app.support_writer();
  `)
    .execute(db);
}
