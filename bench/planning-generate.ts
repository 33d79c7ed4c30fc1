/**
 * Planning bench data: one town with a Wednesday service of `capacity` places (waiting
 * list) and a canteen; `rushParents` families for the rush and `calendarFamilies` whose
 * child is booked on most canteen days of a month; a session for every one of them. Days
 * are chosen from today, so the bench stays meaningful whenever it runs.
 */
import { sql } from "kysely";
import { createSession } from "../src/auth/sessions.ts";
import type { Database } from "../src/db/database.ts";
import { closedOn } from "../src/features/planning/booking/rules.ts";
import { findPeriod, type Period } from "../src/features/planning/offer/period-service.ts";
import { addDays, addMonths, daysBetween, isWorkingDay, parisToday, weekday } from "../src/lib/dates.ts";
import { type TenantConfig, tenantConfigSchema } from "../src/tenancy/config-schema.ts";
import { provisionTenants } from "../src/tenancy/provision.ts";
import { type Family, generateBookings, generateFamilies } from "../tests/helpers/planning-generator.ts";
import { townColour } from "./generate.ts";

export const PLANNING_SLUG = "planif";
const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" role="img" aria-label="Logo">' +
  '<rect width="120" height="120" rx="16" fill="#1f4e79"/></svg>';

export interface PlanningBenchData {
  slug: string;
  tenantId: string;
  capacity: number;
  /** The Wednesday everybody rushes for, and its period. */
  rushDay: string;
  rushPeriodId: string;
  rushParents: { token: string; childId: string }[];
  /** "YYYY-MM": the month the calendar families are booked on. */
  month: string;
  calendarSessions: { token: string; bookedDays: number }[];
  timings: Record<string, number>;
}

function townConfig(start: string, end: string, capacity: number): TenantConfig {
  return tenantConfigSchema.parse({
    slug: PLANNING_SLUG,
    name: "Commune d'essai du planning",
    shortName: "Planning",
    branding: { logo: `${PLANNING_SLUG}.svg`, primary: townColour(7), onPrimary: "#ffffff" },
    contact: {
      service: "Service Enfance-Jeunesse",
      phone: "01 02 03 04 05",
      email: `enfance@${PLANNING_SLUG}.test`,
      address: "1 place de la Mairie, 00000 Essai",
    },
    website: `https://${PLANNING_SLUG}.example.org`,
    holidayZone: "B",
    auth: {
      loginWith: "email",
      accountOpening: "activation_link",
      forcePasswordChangeAtFirstLogin: false,
      passwordPolicy: { minLength: 12, requireUpper: true, requireLower: true, requireDigit: true },
    },
    planning: {
      view: "calendar",
      facilities: [{ key: "alsh", name: "ACCUEIL DE LOISIRS" }],
      services: [
        { key: "mercredis", facility: "alsh", name: "MERCREDIS", rules: { capacity, waitingList: "auto" } },
        { key: "cantine", facility: "alsh", name: "RESTAURATION SCOLAIRE", unit: "meal" },
      ],
      periods: [
        { key: "mercredis", service: "mercredis", name: "Mercredis", start, end, weekdays: [3] },
        {
          key: "cantine",
          service: "cantine",
          name: "Restauration scolaire",
          start,
          end,
          weekdays: [1, 2, 4, 5],
        },
      ],
    },
  });
}

/** The first working Wednesday at least three weeks ahead: open, and well before its cut-off. */
function rushDayFrom(today: string): string {
  let d = addDays(today, 21);
  while (weekday(d) !== 3 || !isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

async function createSessions(db: Database, tenantId: string, families: Family[]): Promise<string[]> {
  return db.withTenant({ role: "app_auth", tenantId }, async (trx) => {
    const tokens: string[] = [];
    for (const f of families) tokens.push((await createSession(trx, tenantId, f.userId, false)).token);
    return tokens;
  });
}

/** The calendar families' child booked on most canteen days of `month` (every open day but one in five). */
async function bookMostDays(
  db: Database,
  tenant: { id: string; config: TenantConfig },
  month: string,
  families: Family[],
) {
  return db.withTenant({ role: "app_staff", tenantId: tenant.id }, async (trx) => {
    const periods = await sql<{ id: string; key: string }>`select id, key from periods`.execute(trx);
    const idOf = (key: string) => periods.rows.find((p) => p.key === key)?.id as string;
    const canteen = (await findPeriod(trx, idOf("cantine"))) as Period;
    const open = daysBetween(`${month}-01`, addDays(`${addMonths(month, 1)}-01`, -1)).filter(
      (d) => closedOn(canteen, d, tenant.config.holidayZone) === null,
    );
    const days = open.filter((_, i) => i % 5 !== 4);
    await generateBookings(trx, tenant.id, { id: canteen.id, serviceId: canteen.service.id }, families, days);
    return { rushPeriod: idOf("mercredis"), bookedDays: days.length };
  });
}

export async function generatePlanning(
  db: Database,
  options: { rushParents: number; calendarFamilies: number; capacity: number },
  now: Date,
): Promise<PlanningBenchData> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    timings[name] = performance.now() - t;
    t = performance.now();
  };
  const today = parisToday(now);
  const config = townConfig(today, addDays(today, 365), options.capacity);
  const ids = await provisionTenants(db, [{ config, logoSvg: LOGO }]);
  const tenantId = ids.get(PLANNING_SLUG) as string;
  const tenant = { id: tenantId, slug: PLANNING_SLUG, config };
  const staff = { role: "app_staff" as const, tenantId };
  const [rush, calendar] = await db.withTenant(staff, async (trx) => [
    await generateFamilies(trx, tenant, { prefix: "r", count: options.rushParents }),
    await generateFamilies(trx, tenant, { prefix: "c", count: options.calendarFamilies }),
  ]);
  lap(`families (${rush.length + calendar.length})`);

  const month = addMonths(today.slice(0, 7), 2);
  const { rushPeriod, bookedDays } = await bookMostDays(db, tenant, month, calendar);
  lap(`bookings (${calendar.length} families × ${bookedDays} days)`);

  const rushTokens = await createSessions(db, tenantId, rush);
  const calendarTokens = await createSessions(db, tenantId, calendar);
  lap(`sessions (${rushTokens.length + calendarTokens.length})`);
  return {
    slug: PLANNING_SLUG,
    tenantId,
    capacity: options.capacity,
    rushDay: rushDayFrom(today),
    rushPeriodId: rushPeriod,
    rushParents: rush.map((f, i) => ({ token: rushTokens[i] as string, childId: f.childId })),
    month,
    calendarSessions: calendarTokens.map((token) => ({ token, bookedDays })),
    timings,
  };
}
