/**
 * Billing bench data (issue 5): one town `factu` with a canteen billed by a régie on a
 * QF tariff; `families` households of one child each, booked on every open canteen day of
 * last month with attendance marked (nine in ten present, one in twenty « absent facturé »,
 * one in twenty « absent excusé »); for `historyFamilies` of them, the twelve months before
 * already invoiced (lines, some paid): « Mes factures » lists twelve invoices for them,
 * and a session for each. Everything set-based, as the staff persona (the RLS fence holds).
 */
import { sql } from "kysely";
import pg from "pg";
import { createSession } from "../src/auth/sessions.ts";
import type { Database, Trx } from "../src/db/database.ts";
import { closedOn } from "../src/features/planning/booking/rules.ts";
import { findPeriod, type Period } from "../src/features/planning/offer/period-service.ts";
import { addDays, addMonths, daysBetween, parisToday } from "../src/lib/dates.ts";
import { type TenantConfig, tenantConfigSchema } from "../src/tenancy/config-schema.ts";
import { provisionTenants } from "../src/tenancy/provision.ts";
import type { Tenant } from "../src/tenancy/resolve.ts";
import { type Family, generateFamilies } from "../tests/helpers/planning-generator.ts";
import { townColour } from "./generate.ts";

export const BILLING_SLUG = "factu";
const PREFIX = "RS-";
const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" role="img" aria-label="Logo">' +
  '<rect width="120" height="120" rx="16" fill="#5a2d82"/></svg>';

export interface BillingBenchData {
  tenant: Tenant;
  regieId: string;
  staffUserId: string;
  /** "YYYY-MM": last month, booked and marked, to invoice. */
  month: string;
  families: number;
  bookings: number;
  /** Sessions of the parents who hold twelve earlier invoices. */
  invoiceSessions: string[];
  historyInvoices: number;
  timings: Record<string, number>;
}

function townConfig(slug: string, start: string, end: string): TenantConfig {
  return tenantConfigSchema.parse({
    slug,
    name: "Commune d'essai de la facturation",
    shortName: "Facturation",
    branding: { logo: `${slug}.svg`, primary: townColour(11), onPrimary: "#ffffff" },
    contact: {
      service: "Service Enfance-Jeunesse",
      phone: "01 02 03 04 06",
      email: `enfance@${slug}.test`,
      address: "1 place de la Mairie, 21000 Essai",
    },
    website: `https://${slug}.example.org`,
    holidayZone: "A",
    auth: {
      loginWith: "email",
      accountOpening: "activation_link",
      forcePasswordChangeAtFirstLogin: false,
      passwordPolicy: { minLength: 12, requireUpper: true, requireLower: true, requireDigit: true },
    },
    planning: {
      view: "calendar",
      facilities: [{ key: "restaurant", name: "RESTAURANT SCOLAIRE" }],
      services: [{ key: "cantine", facility: "restaurant", name: "Restauration scolaire", unit: "meal" }],
      periods: [
        {
          key: "cantine",
          service: "cantine",
          name: "Restauration scolaire",
          start,
          end,
          weekdays: [1, 2, 3, 4, 5],
        },
      ],
    },
    billing: {
      residentPostalCodes: ["21000"],
      regies: [
        {
          key: "restauration",
          name: "Régie restauration",
          numcli: "000123",
          invoicePrefix: PREFIX,
          services: ["cantine"],
        },
      ],
      tariffs: [
        {
          service: "cantine",
          from: start,
          brackets: [{ upTo: 500, cents: 300 }, { upTo: 900, cents: 410 }, { cents: 520 }],
          siblingReductionPercent: 10,
        },
      ],
    },
  });
}

/**
 * Every open canteen day of the month booked for every family (one dossier each, numbers
 * from the town's counter, occupancy in step), already marked at « pointage »: one insert.
 */
async function bookAndMark(trx: Trx, tenant: Tenant, month: string, families: Family[]) {
  const { rows } = await sql<{ id: string }>`select id from periods where key = 'cantine'`.execute(trx);
  const canteen = (await findPeriod(trx, rows[0]?.id as string)) as Period;
  const days = daysBetween(`${month}-01`, addDays(`${addMonths(month, 1)}-01`, -1)).filter(
    (d) => closedOn(canteen, d, tenant.config.holidayZone) === null,
  );
  const n = families.length;
  await sql`
    with f as (
      select * from unnest(${families.map((f) => f.householdId)}::uuid[], ${families.map((f) => f.childId)}::uuid[],
        ${families.map((f) => f.userId)}::uuid[]) with ordinality as f(household_id, child_id, user_id, n)
    ), d as (
      insert into booking_dossiers (tenant_id, number, household_id, kind, period_id, created_by, created_by_name,
        idempotency_key)
      select ${tenant.id}::uuid, nextval('booking_dossier_numbers'), f.household_id, 'booking', ${canteen.id}::uuid, f.user_id,
        'Camille ESSAI', gen_random_uuid()
      from f
      returning id, household_id
    )
    insert into bookings (tenant_id, household_id, child_id, period_id, service_id, day, status, holds_place,
      dossier_id, decided_by, decided_at, attendance, attendance_at)
    select ${tenant.id}::uuid, f.household_id, f.child_id, ${canteen.id}::uuid, ${canteen.service.id}::uuid, day,
      'accepted', true, d.id, f.user_id, now(),
      case (f.n + extract(day from day)::int) % 20 when 0 then 'absent_billed' when 1 then 'absent_excused'
        else 'present' end, now()
    from f join d on d.household_id = f.household_id cross join unnest(${days}::date[]) day`.execute(trx);
  await sql`
    insert into occupancy (tenant_id, period_id, day, taken)
    select ${tenant.id}::uuid, ${canteen.id}::uuid, day, ${n} from unnest(${days}::date[]) day`.execute(trx);
  return days.length;
}

/**
 * Twelve invoices per family before `month` (eight canteen lines each, numbers RS-1…), the
 * older nine paid by cheque; the régie's counter moved past them so the run follows on.
 */
async function history(trx: Trx, tenantId: string, regieId: string, month: string, families: Family[]) {
  const n = families.length;
  const { rows } = await sql<{ id: string; household_id: string; month: string }>`
    with f as (
      select * from unnest(${families.map((f) => f.householdId)}::uuid[], ${families.map((f) => f.childId)}::uuid[])
        with ordinality as f(household_id, child_id, i)
    ), m as (select k, (${`${month}-01`}::date - make_interval(months => k))::date as month from generate_series(1, 12) k)
    insert into invoices (tenant_id, regie_id, household_id, kind, seq, number, month, issued_on, due_on, total_cents)
    select ${tenantId}::uuid, ${regieId}::uuid, f.household_id, 'invoice', (12 - m.k) * ${n} + f.i,
      ${PREFIX} || ((12 - m.k) * ${n} + f.i), m.month, (m.month + interval '1 month 4 days')::date,
      (m.month + interval '1 month 34 days')::date, 8 * 410
    from f cross join m
    returning id, household_id, month::text`.execute(trx);
  await sql`
    with i as (select * from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.household_id)}::uuid[],
      ${rows.map((r) => r.month)}::date[]) as i(id, household_id, month))
    insert into invoice_lines (tenant_id, invoice_id, household_id, child_id, day, label, quantity, unit_cents,
      amount_cents, position)
    select ${tenantId}::uuid, i.id, i.household_id, c.id, i.month + d, 'Restauration scolaire – Enfant ESSAI', 1, 410, 410, d
    from i join children c on c.household_id = i.household_id cross join generate_series(0, 7) d`.execute(
    trx,
  );
  await sql`
    insert into payments (tenant_id, regie_id, household_id, invoice_id, method, amount_cents, received_on, reference)
    select tenant_id, regie_id, household_id, id, 'cheque', total_cents, due_on - 5, 'CHQ ' || seq
    from invoices where regie_id = ${regieId}::uuid and month < ${`${addMonths(month, -3)}-01`}::date`.execute(
    trx,
  );
  await sql`
    insert into counters (tenant_id, name, value) values (${tenantId}::uuid, ${`invoice:${regieId}`}, ${12 * n})
    on conflict (tenant_id, name) do update set value = excluded.value`.execute(trx);
  return rows.length;
}

async function sessionsFor(db: Database, tenantId: string, families: Family[]) {
  return db.withTenant({ role: "app_auth", tenantId }, async (trx) => {
    const tokens: string[] = [];
    for (const f of families) tokens.push((await createSession(trx, tenantId, f.userId, false)).token);
    return tokens;
  });
}

async function analyze(ownerUrl: string) {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query("analyze households, children, bookings, invoices, invoice_lines, payments");
  } finally {
    await owner.end();
  }
}

export async function generateBilling(
  db: Database,
  ownerUrl: string,
  options: { families: number; historyFamilies: number; slug?: string },
  now: Date,
): Promise<BillingBenchData> {
  const slug = options.slug ?? BILLING_SLUG;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    timings[name] = performance.now() - t;
    t = performance.now();
  };
  const today = parisToday(now);
  const month = addMonths(today.slice(0, 7), -1);
  const config = townConfig(slug, `${addMonths(month, -12)}-01`, addDays(today, 365));
  const ids = await provisionTenants(db, [{ config, logoSvg: LOGO }]);
  const tenant: Tenant = {
    id: ids.get(slug) as string,
    slug,
    name: config.name,
    status: "active",
    config,
    logoSvg: LOGO,
  };
  const staff = { role: "app_staff" as const, tenantId: tenant.id };
  const built = await db.withTenant(staff, async (trx) => {
    const families = await generateFamilies(trx, tenant, { prefix: "f", count: options.families });
    const regie = await trx
      .selectFrom("regies")
      .select("id")
      .where("key", "=", "restauration")
      .executeTakeFirstOrThrow();
    const user = await trx
      .insertInto("users")
      .values({
        tenant_id: tenant.id,
        kind: "staff",
        staff_role: "admin",
        email: `admin@${slug}.test`,
        first_name: "Agent",
        last_name: "FACTURATION",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { families, regieId: regie.id, staffUserId: user.id };
  });
  lap(`families (${built.families.length})`);
  const days = await db.withTenant(staff, (trx) => bookAndMark(trx, tenant, month, built.families));
  lap(`bookings (${built.families.length} × ${days} days, marked)`);
  const withHistory = built.families.slice(0, options.historyFamilies);
  const historyInvoices = await db.withTenant(staff, (trx) =>
    history(trx, tenant.id, built.regieId, month, withHistory),
  );
  lap(`invoice history (${historyInvoices} invoices)`);
  await analyze(ownerUrl);
  lap("analyze");
  const invoiceSessions = await sessionsFor(db, tenant.id, withHistory);
  lap(`sessions (${invoiceSessions.length})`);
  return {
    tenant,
    regieId: built.regieId,
    staffUserId: built.staffUserId,
    month,
    families: built.families.length,
    bookings: built.families.length * days,
    invoiceSessions,
    historyInvoices,
    timings,
  };
}
