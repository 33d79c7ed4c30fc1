/**
 * SQL shared by the migrations from planning on: the tenant fence of architecture §5.2 and
 * staff's access to the whole town. Not a migration itself (migrations/index.ts lists those).
 */
export function fenceSql(table: string): string {
  return `
    alter table ${table} enable row level security;
    alter table ${table} force row level security;
    create policy tenant_fence on ${table} as restrictive for all to public
      using (tenant_id = (select app.tenant_id()))
      with check (tenant_id = (select app.tenant_id()));
    create policy staff_all on ${table} for all to app_staff using (true) with check (true);`;
}
