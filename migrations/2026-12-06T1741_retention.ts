import { type Kysely, sql } from "kysely";

/**
 * The nightly retention job (issue 16, item 15) runs as app_jobs: it deletes journal rows past
 * their time and erases the file of a household inactive for too long (invoices and payments
 * stay, as public accounting requires). `households.erased_at` marks a file already erased.
 */
const DELETES = [
  "auth_events",
  "health_access_log",
  "audit_log",
  "sessions",
  "known_devices",
  "health_records",
  "documents",
  "authorised_persons",
  "child_consents",
];
const UPDATES: Record<string, string> = {
  households:
    "phone_main, phone_other, caf_number, family_quotient, fiscal_income_cents, tax_shares, iban, bic, account_holder, erased_at",
  users: "email, login, password_hash, disabled_at, first_name, last_name",
  guardians:
    "first_name, last_name, birth_date, address_line, postal_code, city, email, phone_home, phone_mobile, phone_work, profession, employer, employer_address",
  children: "photo, photo_type",
  absences: "document_id",
};

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table households add column erased_at timestamptz`.execute(db);
  for (const table of DELETES) {
    await sql
      .raw(`
      create policy retention_select on ${table} for select to app_jobs using (true);
      create policy retention_delete on ${table} for delete to app_jobs using (true);
      grant select, delete on ${table} to app_jobs;`)
      .execute(db);
  }
  for (const [table, columns] of Object.entries(UPDATES)) {
    await sql
      .raw(`
      create policy retention_select on ${table} for select to app_jobs using (true);
      create policy retention_update on ${table} for update to app_jobs using (true) with check (true);
      grant select on ${table} to app_jobs;
      grant update (${columns}) on ${table} to app_jobs;`)
      .execute(db);
  }
  await sql`grant select on bookings to app_jobs`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of DELETES) {
    await sql
      .raw(`drop policy retention_select on ${table}; drop policy retention_delete on ${table};
        revoke delete on ${table} from app_jobs;`)
      .execute(db);
  }
  for (const [table, columns] of Object.entries(UPDATES)) {
    await sql
      .raw(`drop policy retention_select on ${table}; drop policy retention_update on ${table};
        revoke update (${columns}) on ${table} from app_jobs;`)
      .execute(db);
  }
  await sql`alter table households drop column erased_at`.execute(db);
}
