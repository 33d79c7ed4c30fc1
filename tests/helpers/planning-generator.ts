/**
 * Generated families for the planning race tests and the planning benches: households with
 * a complete file (every field a town may make mandatory, every mandatory document) and one
 * child each, inserted set-based; and bookings in bulk, occupancy kept in step. Runs on the
 * owner connection, or on a staff transaction (then the town must mandate no document:
 * staff may not insert documents).
 */
import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { DB } from "../../src/db/types.ts";
import type { TenantConfig } from "../../src/tenancy/config-schema.ts";

export interface Family {
  householdId: string;
  userId: string;
  childId: string;
  number: string;
}

export interface FamilyOptions {
  /** Household numbers are `${prefix}${n}` for n in 1..count (prefix tells generations apart). */
  prefix: string;
  count: number;
  birthDate?: string;
  classLevel?: string;
}

type Town = { id: string; slug: string; config: TenantConfig };

export async function generateFamilies(db: Kysely<DB>, tenant: Town, o: FamilyOptions): Promise<Family[]> {
  const households = await insertHouseholds(db, tenant, o);
  const ids = households.map((h) => h.householdId);
  const t = tenant.id;
  await sql`
    insert into guardians (tenant_id, household_id, user_id, rank, civility, last_name, first_name,
      birth_date, sex, address_line, postal_code, city, email, phone_home, phone_mobile, phone_work,
      profession, employer, employer_address)
    select ${t}::uuid, u.household_id, u.id, 1, 'Mme', u.last_name, u.first_name, '1985-04-02', 'F',
      '1 rue des Écoles', '21000', 'DIJON', u.email, '03 80 00 00 01', '06 12 34 56 78',
      '03 80 00 00 02', 'Infirmière', 'CHU', '1 boulevard de l''Hôpital, 21000 DIJON'
    from users u where u.tenant_id = ${t}::uuid and u.household_id = any(${ids}::uuid[])`.execute(db);
  const children = await sql<{ id: string; household_id: string }>`
    insert into children (tenant_id, household_id, first_name, last_name, birth_date, sex, school, class_level)
    select ${t}::uuid, h, 'Enfant', 'ESSAI', ${o.birthDate ?? "2018-03-01"}::date, 'M', 'École du Centre',
      ${o.classLevel ?? "CE2"}
    from unnest(${ids}::uuid[]) h
    returning id, household_id`.execute(db);
  await sql`
    insert into health_records (tenant_id, child_id, household_id, doctor_name, doctor_phone)
    select ${t}::uuid, c.id, c.household_id, 'Dr Martin', '03 80 00 00 00'
    from children c where c.tenant_id = ${t}::uuid and c.household_id = any(${ids}::uuid[])`.execute(db);
  await addDocuments(db, tenant, households);
  const childOf = new Map(children.rows.map((c) => [c.household_id, c.id]));
  return households.map((h) => ({ ...h, childId: childOf.get(h.householdId) as string }));
}

/** Households with every household field filled, and their parent account (no password). */
async function insertHouseholds(db: Kysely<DB>, tenant: Town, o: FamilyOptions) {
  const t = tenant.id;
  const prefix = o.prefix.toLowerCase();
  const rows = await sql<Omit<Family, "childId">>`
    with h as (
      insert into households (tenant_id, number, name, address_line, postal_code, city, phone_main,
        caf_regime, caf_number, family_quotient, children_count, dependent_children,
        fiscal_income_cents, tax_shares, iban, bic, account_holder)
      select ${t}::uuid, ${prefix} || lpad(g::text, 6, '0'), 'Famille Essai ' || g, g || ' rue des Écoles',
        '21000', 'DIJON', '03 80 00 00 00', 'CAF', lpad(g::text, 7, '0'), 650, 1, 1, 2500000, 2,
        'FR7630006000011234567890189', 'AGRIFRPP', 'Camille Essai'
      from generate_series(1, ${o.count}::int) g
      returning id, number
    ), u as (
      insert into users (tenant_id, kind, household_id, email, login, civility, first_name, last_name,
        password_hash, email_verified_at, password_changed_at)
      select ${t}::uuid, 'parent', h.id, 'famille-' || h.number || '@' || ${tenant.slug} || '.test',
        'famille-' || h.number, 'Mme', 'Camille', 'ESSAI ' || h.number, null, now(), now()
      from h
      returning id, household_id
    )
    select h.id as "householdId", u.id as "userId", h.number
    from h join u on u.household_id = h.id
    order by h.number`.execute(db);
  return rows.rows;
}

/** One validated document per mandatory type, for the household or each child as the type says. */
async function addDocuments(
  db: Kysely<DB>,
  tenant: { id: string; config: TenantConfig },
  households: { householdId: string; userId: string }[],
) {
  const { mandatory, documents } = tenant.config.householdFile;
  const content = Buffer.from("%PDF-1.4 justificatif");
  const sha = createHash("sha256").update(content).digest("hex");
  for (const key of mandatory.documents) {
    const scope = documents.types.find((x) => x.key === key)?.scope;
    await sql`
      insert into documents (tenant_id, household_id, child_id, type, filename, mime, size, sha256,
        content, state, uploaded_by)
      select ${tenant.id}::uuid, u.household_id, ${scope === "child" ? sql`c.id` : sql`null`}, ${key},
        ${`${key}.pdf`}, 'application/pdf', ${content.length}, ${sha}, ${content}, 'validated', u.id
      from users u join children c on c.tenant_id = u.tenant_id and c.household_id = u.household_id
      where u.tenant_id = ${tenant.id}::uuid and u.id = any(${households.map((h) => h.userId)}::uuid[])`.execute(
      db,
    );
  }
}

/**
 * Accepted bookings of each family's child on the given days of a period, one dossier per
 * family (numbers taken from the town's counter), occupancy raised to match.
 */
export async function generateBookings(
  db: Kysely<DB>,
  tenantId: string,
  period: { id: string; serviceId: string },
  families: Family[],
  days: string[],
): Promise<void> {
  if (families.length === 0 || days.length === 0) return;
  await sql`
    with f as (
      select * from unnest(${families.map((f) => f.householdId)}::uuid[], ${families.map((f) => f.childId)}::uuid[],
        ${families.map((f) => f.userId)}::uuid[]) with ordinality as f(household_id, child_id, user_id, n)
    ), d as (
      insert into booking_dossiers (tenant_id, number, household_id, kind, period_id, created_by,
        created_by_name, idempotency_key)
      select ${tenantId}::uuid, nextval('booking_dossier_numbers'), f.household_id, 'booking', ${period.id}::uuid, f.user_id,
        'Camille ESSAI', gen_random_uuid()
      from f
      returning id, household_id
    )
    insert into bookings (tenant_id, household_id, child_id, period_id, service_id, day, status,
      holds_place, dossier_id, decided_by, decided_at)
    select ${tenantId}::uuid, f.household_id, f.child_id, ${period.id}::uuid, ${period.serviceId}::uuid,
      day, 'accepted', true, d.id, f.user_id, now()
    from f join d on d.household_id = f.household_id cross join unnest(${days}::date[]) day`.execute(db);
  await sql`
    insert into occupancy (tenant_id, period_id, day, taken)
    select ${tenantId}::uuid, ${period.id}::uuid, day, ${families.length} from unnest(${days}::date[]) day
    on conflict (tenant_id, period_id, day) do update set taken = occupancy.taken + excluded.taken`.execute(
    db,
  );
}
